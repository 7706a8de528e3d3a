package io.github.lwm2mportfolio.cli.logging;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import org.slf4j.event.KeyValuePair;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.LayoutBase;

/**
 * One JSON object a line: {@code time} (ISO-8601, UTC), {@code level}, {@code logger}, {@code thread},
 * {@code message}, then the event's key/values and MDC entries as fields of their own (prefixed {@code kv_} when
 * they would take a name above), and {@code exception} with the stack trace when there is one.
 */
final class JsonLineLayout extends LayoutBase<ILoggingEvent> {

    private static final Set<String> RESERVED = Set.of("time", "level", "logger", "thread", "message", "exception");
    private static final JsonFactory JSON = new JsonFactory();

    private final ThrowableProxyConverter stackTrace = new ThrowableProxyConverter();

    @Override
    public void start() {
        stackTrace.setContext(getContext());
        stackTrace.start();
        super.start();
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringWriter line = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(line)) {
            json.writeStartObject();
            json.writeStringField("time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
            json.writeStringField("level", event.getLevel().toString());
            json.writeStringField("logger", event.getLoggerName());
            json.writeStringField("thread", event.getThreadName());
            json.writeStringField("message", event.getFormattedMessage());
            if (event.getKeyValuePairs() != null) {
                for (KeyValuePair pair : event.getKeyValuePairs()) {
                    json.writeStringField(fieldName(pair.key), String.valueOf(pair.value));
                }
            }
            for (Map.Entry<String, String> entry : event.getMDCPropertyMap().entrySet()) {
                json.writeStringField(fieldName(entry.getKey()), entry.getValue());
            }
            if (event.getThrowableProxy() != null) {
                json.writeStringField("exception", stackTrace.convert(event).strip());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return line.append(System.lineSeparator()).toString();
    }

    private static String fieldName(String key) {
        return RESERVED.contains(key) ? "kv_" + key : key;
    }
}
