package io.github.lwm2mportfolio.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.github.lwm2mportfolio.server.Revocations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code portfolio revocations}: the revoked device certificates of a running server. */
@Command(name = "revocations", mixinStandardHelpOptions = true,
        description = "List or replace the revoked device certificates of a running server.",
        subcommands = { RevocationsCommand.ListRevocations.class, RevocationsCommand.ReplaceRevocations.class })
final class RevocationsCommand {

    private static final String PATH = "/api/revocations";

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Print the revoked serial numbers and "
            + "SHA-256 fingerprints, one a line (what replace takes).")
    static final class ListRevocations implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ApiAccess api;

        @Override
        public Integer call() {
            Map<String, Object> list = api.client(spec).getJson(PATH);
            PrintWriter out = spec.commandLine().getOut();
            for (Object serial : (List<?>) list.get("serialNumbers")) {
                out.println(serial + "  # serial number");
            }
            for (Object fingerprint : (List<?>) list.get("fingerprints")) {
                out.println(fingerprint + "  # SHA-256 fingerprint");
            }
            if (((List<?>) list.get("serialNumbers")).isEmpty() && ((List<?>) list.get("fingerprints")).isEmpty()) {
                out.println("no revoked certificates");
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "replace", mixinStandardHelpOptions = true, description = "Replace the whole list with a file "
            + "as --revoked takes: one serial number or SHA-256 fingerprint (hex) a line, '#' comments.")
    static final class ReplaceRevocations implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ApiAccess api;

        @Parameters(paramLabel = "FILE", description = "The revocation file.")
        Path file;

        @Override
        public Integer call() throws IOException {
            List<String> lines = InputFiles.text(spec, "FILE", file, "a file of serial numbers or SHA-256 "
                    + "fingerprints").lines().toList();
            try {
                Revocations.parse(lines, file.toString()); // a bad line is named before anything is sent
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            List<String> entries = lines.stream().map(line -> line.replaceFirst("#.*", "").strip())
                    .filter(line -> !line.isEmpty()).toList();
            Map<String, Object> answer = api.client(spec).sendJson("PUT", PATH, Map.of("entries", entries));
            spec.commandLine().getOut().println(Counts.of(answer.get("count"), "revoked certificate",
                    "revoked certificates") + " in force; devices "
                    + "signing under them are UNVERIFIED at their next verification");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
