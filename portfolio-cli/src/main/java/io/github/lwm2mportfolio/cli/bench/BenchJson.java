package io.github.lwm2mportfolio.cli.bench;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

/**
 * The benchmark's JSON: a figure a run could not give (NaN, e.g. the latency of a run where no device
 * succeeded) is written as null, which plain JSON readers understand, and read back as NaN.
 */
final class BenchJson {

    private BenchJson() {
    }

    static ObjectMapper mapper() {
        SimpleModule missingFigures = new SimpleModule("missing-figures-as-null");
        missingFigures.addSerializer(Double.class, new NanAsNull());
        missingFigures.addSerializer(Double.TYPE, new NanAsNull());
        missingFigures.addDeserializer(Double.TYPE, new NullAsNan());
        return new ObjectMapper().registerModule(missingFigures).enable(SerializationFeature.INDENT_OUTPUT)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** The same without line breaks, for one line on a pipe. */
    static ObjectMapper oneLineMapper() {
        return mapper().disable(SerializationFeature.INDENT_OUTPUT);
    }

    private static final class NanAsNull extends StdSerializer<Double> {
        private static final long serialVersionUID = 1L;

        NanAsNull() {
            super(Double.class);
        }

        @Override
        public void serialize(Double value, JsonGenerator json, SerializerProvider provider) throws IOException {
            if (value.isNaN() || value.isInfinite()) {
                json.writeNull();
            } else {
                json.writeNumber(value);
            }
        }
    }

    private static final class NullAsNan extends StdDeserializer<Double> {
        private static final long serialVersionUID = 1L;

        NullAsNan() {
            super(Double.TYPE);
        }

        @Override
        public Double deserialize(JsonParser json, DeserializationContext context) throws IOException {
            return json.currentToken() == JsonToken.VALUE_NULL ? Double.NaN : json.getValueAsDouble();
        }

        @Override
        public Double getNullValue(DeserializationContext context) {
            return Double.NaN;
        }
    }
}
