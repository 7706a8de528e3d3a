package io.github.lwm2mportfolio.cli.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ch.qos.logback.core.util.FileSize;

/** The command's logging as an operator sees it: today's text lines, JSON lines, a file that rotates. */
class LogSetupTest {

    private static final Logger LOG = LoggerFactory.getLogger(LogSetupTest.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @AfterEach
    void backToTheDefault() {
        LogSetup.apply(LogSettings.DEFAULT);
    }

    @Test
    void text_lines_on_standard_error_keep_todays_format() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            LogSetup.apply(LogSettings.DEFAULT);
            LOG.info("collected {}", "meter-1");
            LOG.debug("not at the default level");
            LoggerFactory.getLogger("org.eclipse.californium.scandium.DTLSConnector").info("library chatter");
        } finally {
            System.setErr(original);
        }

        assertThat(captured.toString(StandardCharsets.UTF_8))
                .matches("\\d{2}:\\d{2}:\\d{2}\\.\\d{3} INFO LogSetupTest - collected meter-1\\R");
    }

    @Test
    void json_lines_hold_the_fields_the_key_values_and_the_stack_trace() throws Exception {
        Path file = dir.resolve("logs/server.log");
        LogSetup.apply(new LogSettings(LogSettings.Format.JSON, file, FileSize.valueOf("10MB"), 5));

        LOG.atWarn().addKeyValue("endpoint", "meter-1").addKeyValue("message", "clash").log("no answer\nin time");
        LOG.error("the server's own fault", new IllegalStateException("broken"));

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        JsonNode first = JSON.readTree(lines.get(0));
        assertThat(first.get("level").asText()).isEqualTo("WARN");
        assertThat(first.get("logger").asText()).isEqualTo(LogSetupTest.class.getName());
        assertThat(first.get("thread").asText()).isEqualTo(Thread.currentThread().getName());
        assertThat(first.get("message").asText()).isEqualTo("no answer\nin time");
        assertThat(first.get("endpoint").asText()).isEqualTo("meter-1");
        assertThat(first.get("kv_message").asText()).isEqualTo("clash");
        assertThat(first.get("time").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z");
        JsonNode second = JSON.readTree(lines.get(1));
        assertThat(second.get("level").asText()).isEqualTo("ERROR");
        assertThat(second.get("exception").asText()).startsWith("java.lang.IllegalStateException: broken")
                .contains("at " + LogSetupTest.class.getName());
    }

    @Test
    void a_file_past_its_size_rotates_and_keeps_as_many_old_files_as_asked() throws Exception {
        Path file = dir.resolve("server.log");
        LogSetup.apply(new LogSettings(LogSettings.Format.TEXT, file, FileSize.valueOf("1KB"), 2));
        String filler = "x".repeat(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (int i = 0; i < 20; i++) {
                LOG.info("line {} {}", i, filler);
            }
            return Files.exists(dir.resolve("server.log.2"));
        });
        for (int i = 0; i < 40; i++) {
            LOG.info("line {} {}", i, filler);
        }

        List<String> names = new ArrayList<>();
        for (String name : new String[] { "server.log", "server.log.1", "server.log.2", "server.log.3" }) {
            if (Files.exists(dir.resolve(name))) {
                names.add(name);
            }
        }
        assertThat(names).containsExactly("server.log", "server.log.1", "server.log.2");
        assertThat(dir.resolve("server.log.1").toFile().length()).isBetween(1024L, 2048L);
        for (String name : names) { // the files made after a rotation too
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name))))
                    .as(name).isEqualTo("rw-------");
        }
    }
}
