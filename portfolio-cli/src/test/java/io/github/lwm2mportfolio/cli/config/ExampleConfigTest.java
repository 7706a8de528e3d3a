package io.github.lwm2mportfolio.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.github.lwm2mportfolio.cli.PortfolioCommand;
import picocli.CommandLine.Model.OptionSpec;

/**
 * docs/portfolio.example.yaml, shipped in the distribution: it reads, and it has every setting of the server with
 * its default and a comment, so that an option added to the server without its key fails here, saying what to add.
 */
class ExampleConfigTest {

    /** Tests run in the module's folder; the example is the repository's. */
    private static final Path EXAMPLE = Path.of("../docs/portfolio.example.yaml");

    private static Map<String, OptionSpec> serverSettings() {
        return SettingKeys.of(PortfolioCommand.newCommandLine().getSubcommands().get("server").getCommandSpec());
    }

    @Test
    void every_server_option_has_a_key_in_the_example_with_its_default_and_a_comment() throws Exception {
        Map<String, ConfigFile.Entry> example = ConfigFile.read(EXAMPLE).entries();
        List<String> lines = Files.readAllLines(EXAMPLE);
        List<String> problems = new ArrayList<>();

        serverSettings().forEach((key, option) -> {
            ConfigFile.Entry entry = example.get(key);
            String wanted = "'" + key + ": " + (option.defaultValue() == null ? "" : option.defaultValue())
                    + "' with a one-line comment above it (and its line in docs/CONFIGURATION.md)";
            if (entry == null) {
                problems.add(EXAMPLE + " has no key for " + option.longestName() + ": add " + wanted);
            } else if (!entry.values().equals(option.defaultValue() == null ? List.of()
                    : List.of(option.defaultValue()))) {
                problems.add(EXAMPLE + ":" + entry.line() + ": " + key + " is not its default: write " + wanted);
            } else if (!lines.get(entry.line() - 2).startsWith("# ")) {
                problems.add(EXAMPLE + ":" + entry.line() + ": " + key + " has no comment on the line above");
            }
        });
        example.keySet().stream().filter(key -> !serverSettings().containsKey(key))
                .forEach(key -> problems.add(EXAMPLE + ": " + key + " is no option of portfolio server: remove it"));

        assertThat(problems).isEmpty();
    }

    @Test
    void the_example_is_a_configuration_the_server_takes() {
        ConfigFileTest.Run run = ConfigFileTest.run(Map.of(), "server", "--config", EXAMPLE.toString(),
                "--print-config");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("http-port: 8080").contains("portfolio.example.yaml:");
    }
}
