package io.github.lwm2mportfolio.server.rest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Jetty's own refusals (a request it cannot parse, such as a path with %00 or %2F) as the API's JSON errors,
 * {@code {"error": "..."}}, instead of an HTML page.
 */
final class JsonErrorPages extends ErrorHandler {

    private final ObjectMapper mapper;

    JsonErrorPages(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request,
            HttpServletResponse response, int code, String message) throws IOException {
        response.setContentType("application/json");
        response.getOutputStream().write(body(code, message));
        baseRequest.setHandled(true);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
        return ByteBuffer.wrap(body(status, reason));
    }

    private byte[] body(int code, String message) {
        String reason = message == null || message.isBlank() ? "HTTP " + code : message;
        try {
            return mapper.writeValueAsBytes(Map.of("error", "the request was refused: " + reason));
        } catch (IOException e) {
            return ("{\"error\":\"HTTP " + code + "\"}").getBytes(StandardCharsets.US_ASCII);
        }
    }
}
