package io.github.lwm2mportfolio.cli;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code portfolio credentials}: the device DTLS credentials a running server keeps in its database. */
@Command(name = "credentials", mixinStandardHelpOptions = true,
        description = "List, add or remove device DTLS credentials (PSK, RPK, X.509) on a running server.",
        subcommands = { CredentialsCommand.ListCredentials.class, CredentialsCommand.AddCredential.class,
                CredentialsCommand.RemoveCredential.class })
final class CredentialsCommand {

    /** The device a subcommand is about. */
    static class Device {
        @Option(names = "--endpoint", required = true, description = "The device's endpoint name.")
        String endpoint;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List endpoints and their kind of credential (never keys).")
    static final class ListCredentials implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ApiAccess api;

        @Override
        public Integer call() {
            RestClient rest = api.client(spec);
            List<Map<String, Object>> credentials = rest.getJsonList("/api/credentials");
            PrintWriter out = spec.commandLine().getOut();
            for (Map<String, Object> credential : credentials) {
                Object identity = credential.get("pskIdentity");
                out.println(credential.get("endpoint") + "  " + credential.get("kind")
                        + (identity == null ? "" : "  " + identity));
            }
            out.println(credentials.size() + (credentials.size() == 1 ? " credential" : " credentials"));
            out.flush();
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add or replace the credential of one endpoint.")
    static final class AddCredential implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ApiAccess api;

        @Mixin
        Device target;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Kind kind;

        static final class Kind {
            @ArgGroup(exclusive = false)
            Psk psk;

            @Option(names = "--rpk-public-key", paramLabel = "HEX",
                    description = "The device's raw public key (SubjectPublicKeyInfo DER, hex).")
            String rpkPublicKeyHex;

            @Option(names = "--x509", description = "The device presents an X.509 certificate whose CN is the endpoint.")
            boolean x509;
        }

        static final class Psk {
            @Option(names = "--psk-identity", required = true, paramLabel = "ID", description = "PSK identity.")
            String identity;

            @ArgGroup(exclusive = true, multiplicity = "1")
            PskKey key;
        }

        static final class PskKey {
            @Option(names = "--psk-key-file", paramLabel = "FILE",
                    description = "A file whose first line is the PSK in hex (16 to 64 bytes).")
            Path file;

            @Option(names = "--psk-key", paramLabel = "HEX", description = "The PSK in hex (other users of this "
                    + "machine may see it in the process list: prefer --psk-key-file).")
            String hex;
        }

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            if (kind.psk != null) {
                String keyHex = kind.psk.key.file != null
                        ? new String(Options.secretFile(spec, "--psk-key-file", kind.psk.key.file)).strip()
                        : kind.psk.key.hex;
                Options.hex(spec, kind.psk.key.file != null ? "--psk-key-file" : "--psk-key", keyHex);
                body.put("kind", "PSK");
                body.put("pskIdentity", kind.psk.identity);
                body.put("pskKeyHex", keyHex);
            } else if (kind.rpkPublicKeyHex != null) {
                Options.hex(spec, "--rpk-public-key", kind.rpkPublicKeyHex);
                body.put("kind", "RPK");
                body.put("publicKeyHex", kind.rpkPublicKeyHex);
            } else {
                body.put("kind", "X509");
            }
            api.client(spec).putJson("/api/credentials/" + encode(target.endpoint), body);
            spec.commandLine().getOut().println("saved the " + body.get("kind") + " credential of " + target.endpoint);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove the credential of one endpoint.")
    static final class RemoveCredential implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ApiAccess api;

        @Mixin
        Device target;

        @Override
        public Integer call() {
            api.client(spec).delete("/api/credentials/" + encode(target.endpoint));
            spec.commandLine().getOut().println("removed the credential of " + target.endpoint);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    private static String encode(String endpoint) {
        return URLEncoder.encode(endpoint, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
