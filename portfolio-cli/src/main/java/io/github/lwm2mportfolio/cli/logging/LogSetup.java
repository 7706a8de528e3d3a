package io.github.lwm2mportfolio.cli.logging;

import java.util.Map;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.Duration;

/**
 * The portfolio command's logging, set up in code from its flags ({@link LogSettings}): our messages at INFO, the
 * CoAP/DTLS, HTTP and database libraries only when it matters, as text or JSON lines, on standard error or in a
 * rotated file. {@code -Dportfolio.log.level.LOGGER=LEVEL} changes a logger's level (e.g.
 * {@code -Dportfolio.log.level.io.github.lwm2mportfolio=debug}).
 */
public final class LogSetup {

    /** The system properties that set a logger's level: this prefix, then the logger's name. */
    public static final String LEVEL_PROPERTY = "portfolio.log.level.";
    /** Today's text format on a terminal; a file's lines carry the date too. */
    private static final String TERMINAL_PATTERN = "%d{HH:mm:ss.SSS} %level %logger{0} - %msg%n";
    private static final String FILE_PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %level %logger{0} - %msg%n";

    private static final Map<String, Level> LEVELS = Map.ofEntries(
            Map.entry(Logger.ROOT_LOGGER_NAME, Level.INFO),
            Map.entry("org.eclipse.californium", Level.WARN),
            Map.entry("org.eclipse.leshan", Level.WARN),
            Map.entry("io.javalin", Level.WARN),
            Map.entry("org.eclipse.jetty", Level.WARN),
            Map.entry("com.zaxxer.hikari", Level.WARN),
            Map.entry("org.flywaydb", Level.WARN),
            // portfolio client prints registration changes and failures itself; portfolio simulate counts them.
            Map.entry("io.github.lwm2mportfolio.client.registration", Level.ERROR),
            // A listener that cannot bind its port stops the start with one line of ours.
            Map.entry("org.eclipse.californium.core.CoapServer", Level.OFF),
            Map.entry("io.javalin.Javalin", Level.OFF),
            // An unresolvable server host is said once, in words, by the client's registration.
            Map.entry("org.eclipse.californium.core.network.CoapEndpoint", Level.ERROR));

    private LogSetup() {
    }

    /** Replaces the running configuration with this one. */
    public static void apply(LogSettings settings) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        configure(context, settings);
    }

    static void configure(LoggerContext context, LogSettings settings) {
        LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith(LEVEL_PROPERTY))
                .forEach(name -> context.getLogger(name.substring(LEVEL_PROPERTY.length()))
                        .setLevel(Level.toLevel(System.getProperty(name), Level.INFO)));
        OutputStreamAppender<ILoggingEvent> appender = settings.file() == null ? console() : file(context, settings);
        appender.setContext(context);
        appender.setName(settings.file() == null ? "console" : "file");
        appender.setEncoder(encoder(context, settings));
        appender.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    }

    private static ConsoleAppender<ILoggingEvent> console() {
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setTarget("System.err");
        return console;
    }

    /**
     * The file, and at most {@code maxFiles} older ones (FILE.1 the newest) once it outgrows {@code maxSize}; all
     * readable by their owner only.
     */
    private static RollingFileAppender<ILoggingEvent> file(LoggerContext context, LogSettings settings) {
        RollingFileAppender<ILoggingEvent> file = new OwnerOnlyFileAppender<>();
        file.setContext(context);
        file.setFile(settings.file().toString());
        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(context);
        rolling.setParent(file);
        rolling.setFileNamePattern(settings.file() + ".%i");
        rolling.setMinIndex(1);
        rolling.setMaxIndex(settings.maxFiles());
        rolling.start();
        SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(context);
        trigger.setMaxFileSize(settings.maxSize());
        trigger.setCheckIncrement(Duration.buildByMilliseconds(0)); // a file never outgrows its size by much
        trigger.start();
        file.setRollingPolicy(rolling);
        file.setTriggeringPolicy(trigger);
        return file;
    }

    private static Encoder<ILoggingEvent> encoder(LoggerContext context, LogSettings settings) {
        if (settings.format() == LogSettings.Format.JSON) {
            JsonLineLayout layout = new JsonLineLayout();
            layout.setContext(context);
            layout.start();
            LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
            encoder.setContext(context);
            encoder.setLayout(layout);
            encoder.start();
            return encoder;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(settings.file() == null ? TERMINAL_PATTERN : FILE_PATTERN);
        encoder.start();
        return encoder;
    }
}
