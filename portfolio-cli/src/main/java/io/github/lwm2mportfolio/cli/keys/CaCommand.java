package io.github.lwm2mportfolio.cli.keys;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.Callable;

import io.github.lwm2mportfolio.cli.Options;
import io.github.lwm2mportfolio.cli.SecretFiles;
import io.github.lwm2mportfolio.core.keys.KeyStorePasswords;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code portfolio keys ca}: a new fleet CA. */
@Command(name = "ca", mixinStandardHelpOptions = true,
        description = "Make a fleet CA (EC P-256): DIR/ca.pem for servers' --trust, its key in DIR/ca.p12.")
final class CaCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the CA (made 0700).")
    Path out;

    @Option(names = "--name", defaultValue = "lwm2m-portfolio fleet CA",
            description = "The CA's common name. Default: ${DEFAULT-VALUE}.")
    String name;

    @Option(names = "--days", defaultValue = "3650", description = "Validity in days. Default: ${DEFAULT-VALUE}.")
    int days;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "The password for ca.p12 (first line). Default: a new one, written to DIR/ca.password (0600).")
    Path passwordFile;

    @Override
    public Integer call() throws Exception {
        var validity = KeysCommand.days(spec, "--days", days);
        KeysCommand.requireAbsent(spec, out.resolve(FleetAuthority.KEY_STORE));
        KeysCommand.requireAbsent(spec, out.resolve(FleetAuthority.CERTIFICATE));
        char[] password = null;
        if (passwordFile != null) {
            password = SecretFiles.readLine(spec, "--password-file", passwordFile).toCharArray();
        } else {
            KeysCommand.requireAbsent(spec, out.resolve(FleetAuthority.PASSWORD));
        }
        Options.writableDirectory(spec, "--out", out);
        if (password == null) {
            password = KeyStorePasswords.writeNew(out.resolve(FleetAuthority.PASSWORD));
        }
        X509Certificate certificate = FleetAuthority.create(out, name, validity, password).certificate();
        PrintWriter writer = spec.commandLine().getOut();
        writer.println("fleet CA " + certificate.getSubjectX500Principal().getName() + " until "
                + certificate.getNotAfter().toInstant());
        writer.println("  " + out.resolve(FleetAuthority.CERTIFICATE) + "  certificate: give DIR to 'portfolio server --trust'");
        writer.println("  " + out.resolve(FleetAuthority.KEY_STORE) + "   key (keep it offline)"
                + (passwordFile == null ? ", password in " + out.resolve(FleetAuthority.PASSWORD) : ""));
        writer.flush();
        return 0;
    }
}
