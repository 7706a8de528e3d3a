package io.github.lwm2mportfolio.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code portfolio devices}: what an operator does to one device of a running server. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "Remove or re-enrol one device of a running server (admin token).",
        subcommands = { DevicesCommand.RemoveDevice.class, DevicesCommand.ReEnrolDevice.class })
final class DevicesCommand {

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Delete a device and its whole "
            + "history (Identity changes, verdicts, actions). A device that is still running registers again at its "
            + "next update and reappears as new; its DTLS credential is kept.")
    static final class RemoveDevice implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ApiAccess api;

        @Parameters(paramLabel = "ENDPOINT", description = "The device's endpoint name.")
        String endpoint;

        @Override
        public Integer call() {
            RestClient rest = api.client(spec);
            Map<String, Object> answer = rest.json(rest.delete("/api/devices/" + RestClient.pathSegment(endpoint)));
            PrintWriter out = spec.commandLine().getOut();
            out.println("removed " + endpoint + " and its history"
                    + (Boolean.TRUE.equals(answer.get("wasRegistered"))
                            ? "; it was registered: if it is still running it registers again and reappears"
                            : ""));
            out.flush();
            return 0;
        }
    }

    @Command(name = "re-enrol", mixinStandardHelpOptions = true, description = "Let a device whose store was lost "
            + "(the server answers REPLAYED_COUNTER) verify again: its AuthData counter starts again. Recorded in "
            + "the device's history with the token's name.")
    static final class ReEnrolDevice implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ApiAccess api;

        @Parameters(paramLabel = "ENDPOINT", description = "The device's endpoint name.")
        String endpoint;

        @Override
        public Integer call() {
            api.client(spec).send("POST", "/api/devices/" + RestClient.pathSegment(endpoint) + "/re-enrolment",
                    "application/json", "{}");
            PrintWriter out = spec.commandLine().getOut();
            out.println("re-enrolled " + endpoint + ": its next verification accepts a counter that started again "
                    + "(portfolio inventory shows the verdict)");
            out.flush();
            return 0;
        }
    }
}
