package io.github.lwm2mportfolio.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.leshan.client.observer.LwM2mClientObserverAdapter;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.request.DeregisterRequest;
import org.eclipse.leshan.core.request.RegisterRequest;

import io.github.lwm2mportfolio.cli.keys.KeyFiles;
import io.github.lwm2mportfolio.cli.keys.TokenOptions;
import io.github.lwm2mportfolio.client.ClientSecurity;
import io.github.lwm2mportfolio.client.PortfolioClient;
import io.github.lwm2mportfolio.core.keys.KeySource;
import io.github.lwm2mportfolio.core.keys.SigningKey;
import io.github.lwm2mportfolio.core.model.HostIdentity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code portfolio client}: one LwM2M client with the Portfolio object, until Ctrl-C (which deregisters). */
@Command(name = "client", mixinStandardHelpOptions = true,
        description = "Run an LwM2M client that exposes the host device's identities in object 16.")
final class ClientCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--endpoint", required = true, description = "LwM2M endpoint name of this client.")
    String endpoint;

    @Option(names = "--server", required = true, description = "Server URI, coap://HOST:PORT or coaps://HOST:PORT.")
    String serverUri;

    @Option(names = "--psk-identity", description = "PSK identity (with --psk-key, for coaps://).")
    String pskIdentity;

    @Option(names = "--psk-key", description = "PSK key in hex (shows in the process list: prefer --psk-key-file).")
    String pskKeyHex;

    @Option(names = "--psk-key-file", paramLabel = "FILE", description = "File whose first line is the PSK key in hex "
            + "(mode 0600).")
    Path pskKeyFile;

    @Option(names = "--x509", description = "DTLS with the device's certificate and key from the data directory "
            + "(see 'portfolio keys device'); needs --server-certificate.")
    boolean x509;

    @Option(names = "--rpk", description = "DTLS with the device's key from the data directory as a raw public key; "
            + "needs --server-certificate (its public key is pinned).")
    boolean rpk;

    @Option(names = "--server-certificate", paramLabel = "FILE", description = "The server's DTLS certificate (PEM or "
            + "DER; 'portfolio server' writes it to server-certificate.pem in its data directory).")
    Path serverCertificateFile;

    @Option(names = "--host-id", description = "Host device unique ID (Identity 0, DID7).")
    String hostId;

    @Option(names = "--host-manufacturer", description = "Host device manufacturer (Identity 1, DID4).")
    String hostManufacturer;

    @Option(names = "--host-model", description = "Host device model (Identity 2, DID5).")
    String hostModel;

    @Option(names = "--host-sw-version", description = "Host device software version (Identity 3, DID6).")
    String hostSoftwareVersion;

    @Option(names = "--data", description = "Data directory (store and keys: keys.p12, keys.password, device.pem). "
            + "Default: ./portfolio-data/ENDPOINT.")
    Path dataDirectory;

    @Option(names = "--fleet-key", description = "Fleet master key in hex; MAC and encryption keys derive from it "
            + "(shows in the process list: prefer --fleet-key-file).")
    String fleetKeyHex;

    @Mixin
    TokenOptions token = new TokenOptions();

    @Option(names = "--fleet-key-file", paramLabel = "FILE", description = "File whose first line is the fleet master "
            + "key in hex (mode 0600; 'portfolio keys fleet-secret' makes one).")
    Path fleetKeyFile;

    @Option(names = "--default-service", defaultValue = "sign",
            description = "Service when GetAuthData names none: sign, mac or encrypt. Default: ${DEFAULT-VALUE}.")
    String defaultService;

    private static final long MIN_LIFETIME = 10;
    private static final long MAX_LIFETIME = 2_592_000;

    @Option(names = "--lifetime", defaultValue = "300", description = "Registration lifetime in seconds (10 to "
            + "2592000). Default: ${DEFAULT-VALUE}.")
    long lifetime;

    @Option(names = "--lwm2m-version", defaultValue = "1.1",
            description = "LwM2M version to register as: 1.0 or 1.1. Default: ${DEFAULT-VALUE}.")
    String lwm2mVersion;

    @Option(names = "--advertised-format", defaultValue = "all", description = "Content formats the Register's root "
            + "link advertises (ct): all, none, or one of tlv, json, senml-json, senml-cbor, cbor, text, opaque. The "
            + "client still reads and writes every format. Default: ${DEFAULT-VALUE}.")
    String advertisedFormat;

    @Override
    public Integer call() throws Exception {
        Options.endpointName(spec, "--endpoint", endpoint);
        Options.serverUri(spec, "--server", serverUri);
        PrintWriter err = spec.commandLine().getErr();
        byte[] fleetKey = CommandLineSecrets.hexOrFile(spec, err, "--fleet-key", fleetKeyHex, "--fleet-key-file",
                fleetKeyFile);
        Path directory = dataDirectory != null ? dataDirectory : Path.of("portfolio-data", endpoint);
        Options.writableDirectory(spec, "--data", directory);
        if (lifetime < MIN_LIFETIME || lifetime > MAX_LIFETIME) {
            // What the server accepts: outside it, registering would fail and be retried forever.
            throw new ParameterException(spec.commandLine(), "--lifetime must be " + MIN_LIFETIME + " to "
                    + MAX_LIFETIME + " seconds (30 days), got " + lifetime);
        }
        if (token.given() && (x509 || rpk)) {
            throw new ParameterException(spec.commandLine(), "--x509 and --rpk need the key's bytes for DTLS, which a "
                    + "token never gives: use PSK for DTLS with --token-library (AuthData is still signed in the token)");
        }
        KeySource keys = token.given() ? token.open(spec, directory, endpoint, fleetKey)
                : KeyFiles.open(spec, directory, endpoint, fleetKey);
        PortfolioClient.Builder builder = PortfolioClient.builder(endpoint).serverUri(serverUri)
                .security(security(err, keys)).lifetime(lifetime).dataDirectory(directory).keySource(keys)
                .registrationForm(Options.registrationForm(spec, lwm2mVersion, advertisedFormat))
                .defaultService(Options.service(spec, "--default-service", defaultService))
                .hostIdentity(HostIdentity.UNIQUE_ID, hostId)
                .hostIdentity(HostIdentity.MANUFACTURER, hostManufacturer)
                .hostIdentity(HostIdentity.MODEL, hostModel)
                .hostIdentity(HostIdentity.SOFTWARE_VERSION, hostSoftwareVersion);
        PrintWriter out = spec.commandLine().getOut();
        // Form changes and failed registrations (what happened, what to check, when the next attempt is) are said
        // here, once each (the log lines are off, see simplelogger.properties).
        builder.registrationNotices(notice -> {
            out.println(notice);
            out.flush();
        });
        PortfolioClient client = builder.build();
        AtomicBoolean registered = new AtomicBoolean();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread shutdown = new Thread(() -> {
            out.println(registered.get() ? "stopping: deregistering " + endpoint
                    : "stopping: " + endpoint + " was not registered");
            out.flush();
            client.close();
            stopped.countDown();
        }, "portfolio-client-shutdown");
        out.println("registering " + endpoint + " at " + serverUri + " ...");
        out.flush();
        client.leshanClient().addObserver(new LwM2mClientObserverAdapter() {
            @Override
            public void onRegistrationSuccess(LwM2mServer server, RegisterRequest request, String registrationID) {
                registered.set(true);
                out.println("registered " + endpoint + " at " + serverUri + " as " + client.registrationForm()
                        + " (host instance /16/" + client.hostDevice().instanceId() + ")");
                out.flush();
            }

            @Override
            public void onDeregistrationSuccess(LwM2mServer server, DeregisterRequest request) {
                registered.set(false);
            }
        });
        Runtime.getRuntime().addShutdownHook(shutdown);
        try {
            client.start();
            stopped.await();
        } finally {
            if (stopped.getCount() > 0) {
                Runtime.getRuntime().removeShutdownHook(shutdown);
                client.close();
            }
        }
        return 0;
    }

    private ClientSecurity security(PrintWriter err, KeySource keys) throws Exception {
        if ((x509 || rpk) && (pskIdentity != null || pskKeyHex != null || pskKeyFile != null)) {
            throw new ParameterException(spec.commandLine(), "choose one DTLS security: PSK, --rpk or --x509");
        }
        if (x509 && rpk) {
            throw new ParameterException(spec.commandLine(), "--rpk and --x509 exclude each other");
        }
        if (x509 || rpk) {
            return keySecurity(keys);
        }
        byte[] pskKey = CommandLineSecrets.hexOrFile(spec, err, "--psk-key", pskKeyHex, "--psk-key-file", pskKeyFile);
        if (pskIdentity == null && pskKey == null) {
            return ClientSecurity.none();
        }
        if (pskIdentity == null || pskKey == null) {
            throw new ParameterException(spec.commandLine(), "--psk-identity and --psk-key go together");
        }
        return ClientSecurity.psk(pskIdentity, pskKey);
    }

    /** DTLS with the device's own signing key: the key that signs AuthData also authenticates the device. */
    private ClientSecurity keySecurity(KeySource keys) throws Exception {
        String option = x509 ? "--x509" : "--rpk";
        if (serverCertificateFile == null) {
            throw new ParameterException(spec.commandLine(), option + " needs --server-certificate FILE (the "
                    + "server's DTLS certificate, server-certificate.pem in its data directory)");
        }
        X509Certificate server = CommandLineSecrets.certificate(spec, "--server-certificate", serverCertificateFile);
        SigningKey signing = keys.signingKey(keys.defaultKeyId());
        X509Certificate own = signing.chain().get(0);
        if (x509) {
            if (own.getSubjectX500Principal().equals(own.getIssuerX500Principal())) {
                throw new ParameterException(spec.commandLine(), "--x509: the device certificate in " + keys
                        + " is self-signed; have the fleet CA issue one ('portfolio keys device' or 'keys csr' and "
                        + "'keys sign-csr')");
            }
            return ClientSecurity.x509(own, signing.key(), server);
        }
        return ClientSecurity.rpk(own.getPublicKey(), signing.key(), server.getPublicKey());
    }
}
