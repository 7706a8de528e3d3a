package io.github.lwm2mportfolio.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code portfolio certifications}: the certification list of a running server, as CSV files. */
@Command(name = "certifications", mixinStandardHelpOptions = true,
        description = "List, add, replace or remove the certified host versions of a running server.",
        subcommands = { CertificationsCommand.ListCertifications.class, CertificationsCommand.AddCertifications.class,
                CertificationsCommand.ReplaceCertifications.class,
                CertificationsCommand.RemoveCertification.class })
final class CertificationsCommand {

    private static final String PATH = "/api/certifications";
    private static final String CSV_EXPECTED = "a CSV file with the header manufacturer,model,software_version";

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Print the list as CSV (what add and replace take).")
    static final class ListCertifications implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ApiAccess api;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.print(api.client(spec).get(PATH, "text/csv"));
            out.flush();
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add the records of a CSV file; records already listed stay as they are.")
    static final class AddCertifications implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ApiAccess api;

        @Parameters(paramLabel = "FILE", description = CSV_EXPECTED + ".")
        Path file;

        @Override
        public Integer call() throws IOException {
            String csv = csv(spec, file);
            Map<String, Object> answer = api.client(spec).send("POST", PATH, "text/csv", csv);
            print(spec, "added " + Counts.of(answer.get("added"), "record", "records") + " (" + answer.get("alreadyListed")
                    + " already listed); the list has " + answer.get("count"));
            return 0;
        }
    }

    @Command(name = "replace", mixinStandardHelpOptions = true, description = "Replace the whole list with the "
            + "records of a CSV file (a later start with --certified does not undo it).")
    static final class ReplaceCertifications implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ApiAccess api;

        @Parameters(paramLabel = "FILE", description = CSV_EXPECTED + ".")
        Path file;

        @Override
        public Integer call() throws IOException {
            String csv = csv(spec, file);
            Map<String, Object> answer = api.client(spec).send("PUT", PATH, "text/csv", csv);
            print(spec, "the list has " + Counts.of(answer.get("count"), "record", "records") + " (it had " + answer.get("replaced") + ")");
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove one record.")
    static final class RemoveCertification implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ApiAccess api;

        @Option(names = "--manufacturer", required = true, paramLabel = "TEXT")
        String manufacturer;

        @Option(names = "--model", required = true, paramLabel = "TEXT")
        String model;

        @Option(names = "--software-version", required = true, paramLabel = "TEXT")
        String softwareVersion;

        @Override
        public Integer call() {
            RestClient rest = api.client(spec);
            Map<String, Object> answer = rest.json(rest.delete(PATH + "?manufacturer="
                    + RestClient.pathSegment(manufacturer) + "&model=" + RestClient.pathSegment(model)
                    + "&softwareVersion=" + RestClient.pathSegment(softwareVersion)));
            print(spec, "removed " + manufacturer + " / " + model + " / " + softwareVersion + "; the list has "
                    + answer.get("count"));
            return 0;
        }
    }

    private static String csv(CommandSpec spec, Path file) throws IOException {
        return InputFiles.text(spec, "FILE", file, CSV_EXPECTED);
    }

    private static void print(CommandSpec spec, String line) {
        spec.commandLine().getOut().println(line);
        spec.commandLine().getOut().flush();
    }
}
