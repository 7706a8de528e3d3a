package io.github.lwm2mportfolio.server.rest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import io.github.lwm2mportfolio.server.rest.RestApi.ApiException;
import io.javalin.http.Context;

/**
 * Reads a request body up to a limit whatever its framing: a declared length past the limit is refused before
 * any byte is read, a chunked body as soon as it passes the limit (413); no more than the limit is ever held.
 * Also checks the media type, so that a form or a {@code text/plain} post (which a browser sends cross-site
 * without asking) is never taken for JSON or CSV (415).
 */
final class BoundedBody {

    private static final int CHUNK = 8192;
    private static final String READ = "portfolio.body";

    private BoundedBody() {
    }

    /** The body as UTF-8 text, when its media type is {@code mediaType} and it holds at most {@code limit} bytes. */
    static String text(Context ctx, String mediaType, long limit) {
        requireMediaType(ctx, mediaType);
        long declared = ctx.req().getContentLengthLong();
        if (declared > limit) {
            throw tooLarge(limit);
        }
        try (InputStream in = ctx.req().getInputStream()) {
            ByteArrayOutputStream body = new ByteArrayOutputStream((int) Math.min(Math.max(declared, 0), CHUNK));
            byte[] chunk = new byte[CHUNK];
            int read;
            while ((read = in.read(chunk)) >= 0) {
                if (body.size() + (long) read > limit) {
                    throw tooLarge(limit);
                }
                body.write(chunk, 0, read);
            }
            String text = body.toString(StandardCharsets.UTF_8);
            ctx.attribute(READ, text);
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the request body", e);
        }
    }

    /** The body {@link #text} read from this request (the stream cannot be read twice); empty when none was. */
    static byte[] alreadyRead(Context ctx) {
        String read = ctx.attribute(READ);
        return read == null ? new byte[0] : read.getBytes(StandardCharsets.UTF_8);
    }

    private static void requireMediaType(Context ctx, String mediaType) {
        String type = ctx.contentType();
        String mime = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!mime.equals(mediaType)) {
            throw new ApiException(415, "the body must be " + mediaType + " (Content-Type: " + mediaType + "), got "
                    + (mime.isEmpty() ? "no Content-Type" : mime));
        }
    }

    private static ApiException tooLarge(long limit) {
        return new ApiException(413, "the body is larger than " + limit + " bytes");
    }
}
