package io.github.lwm2mportfolio.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Text files given as options or parameters (CSV lists, revocation lists): regular files of at most
 * {@link #MAX_BYTES}, as the REST API takes, so that {@code /dev/zero} or a huge file is refused in one line
 * (exit 2) instead of filling the memory.
 */
public final class InputFiles {

    /** As the REST API's limit on a CSV body. */
    public static final long MAX_BYTES = 10L * 1024 * 1024;

    private static final int ECHO_LIMIT = 60;

    private InputFiles() {
    }

    /** The whole file as UTF-8 text. */
    public static String text(CommandSpec spec, String option, Path file, String expected) {
        Options.readableFile(spec, option, file, expected);
        String subject = option + " " + file + ": ";
        if (!Files.isRegularFile(file)) {
            throw new ParameterException(spec.commandLine(), subject + "not a regular file; give the path of "
                    + expected);
        }
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new ParameterException(spec.commandLine(), subject + "larger than the limit of "
                        + MAX_BYTES / (1024 * 1024) + " MB; split it into smaller files");
            }
            byte[] content = Files.readAllBytes(file);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            throw new ParameterException(spec.commandLine(), subject + "not UTF-8 text; give the path of " + expected);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), subject + "cannot read it: "
                    + PortfolioCommand.oneLineReason(e));
        }
    }

    /** A value echoed in a message, cut to its first characters so that a huge one does not flood the terminal. */
    public static String shorten(String value) {
        return value.length() <= ECHO_LIMIT ? value : value.substring(0, ECHO_LIMIT) + "...";
    }
}
