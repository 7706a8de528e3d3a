package io.github.lwm2mportfolio.cli;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Map;

import io.github.lwm2mportfolio.cli.bench.BenchCommand;
import io.github.lwm2mportfolio.cli.bench.BenchServerCommand;
import io.github.lwm2mportfolio.cli.config.ConfiguredExecution;
import io.github.lwm2mportfolio.cli.config.SettingsException;
import io.github.lwm2mportfolio.cli.keys.KeysCommand;
import io.github.lwm2mportfolio.cli.simulate.SimulateCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.RunLast;

/** The {@code portfolio} command: exit 0 on success, 2 on bad usage, 1 on a runtime failure with its reason. */
@Command(name = "portfolio", mixinStandardHelpOptions = true, version = "lwm2m-portfolio 0.1.0",
        description = "The OMA LwM2M Portfolio object (16): client, server and tools.",
        subcommands = { DemoCommand.class, ServerCommand.class, ClientCommand.class, InventoryCommand.class,
                CredentialsCommand.class, TokensCommand.class, DevicesCommand.class, CertificationsCommand.class,
                RevocationsCommand.class, KeysCommand.class, SimulateCommand.class,
                BenchCommand.class, BenchServerCommand.class })
public final class PortfolioCommand {

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** The command line with our error handling, for main and for in-process tests. */
    public static CommandLine newCommandLine() {
        return newCommandLine(System.getenv());
    }

    /** As {@link #newCommandLine()}, with the environment that PORTFOLIO_* settings are read from. */
    public static CommandLine newCommandLine(Map<String, String> environment) {
        CommandLine commandLine = new CommandLine(new PortfolioCommand());
        // As the REST API: --state unverified as well as UNVERIFIED.
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.registerConverter(java.time.Duration.class, new DurationConverter());
        HelpLabels.apply(commandLine);
        commandLine.setExecutionStrategy(new ConfiguredExecution(environment, parseResult -> {
            for (ParseResult command = parseResult; command != null; command = command.subcommand()) {
                Options.checkPorts(command.commandSpec());
            }
            return new RunLast().execute(parseResult);
        }));
        IParameterExceptionHandler usage = commandLine.getParameterExceptionHandler();
        commandLine.setParameterExceptionHandler((exception, args) -> {
            if (!(exception instanceof SettingsException)) {
                return usage.handleParseException(exception, args);
            }
            PrintWriter err = exception.getCommandLine().getErr();
            err.println(exception.getMessage());
            err.flush();
            return exception.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
        });
        commandLine.setExecutionExceptionHandler((exception, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            err.println("portfolio: " + oneLineReason(exception));
            err.flush();
            return 1;
        });
        return commandLine;
    }

    static String oneLineReason(Throwable exception) {
        if (exception instanceof FileSystemException files) {
            return fileProblem(files);
        }
        String message = exception.getMessage();
        if (message == null || message.isBlank()) {
            message = exception.getClass().getSimpleName();
        }
        return message.replace('\n', ' ');
    }

    /** Java names only the path for these: say what was wrong with it. */
    private static String fileProblem(FileSystemException exception) {
        String problem;
        if (exception instanceof NoSuchFileException) {
            problem = "not found";
        } else if (exception instanceof AccessDeniedException) {
            problem = "permission denied (check the owner and mode of the path)";
        } else if (exception instanceof NotDirectoryException) {
            problem = "not a directory";
        } else if (exception instanceof FileAlreadyExistsException) {
            problem = "already exists";
        } else {
            problem = exception.getReason() != null ? exception.getReason() : exception.getClass().getSimpleName();
        }
        return exception.getFile() + ": " + problem;
    }
}
