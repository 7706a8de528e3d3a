package io.github.lwm2mportfolio.server.rest;

import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;

/**
 * One INFO line per REST change (POST, PUT, DELETE, PATCH under /api), once it is answered: the caller's token
 * name, the method, the path and the status. Never the token itself, the query or the body, which may hold
 * secrets (a PSK).
 */
final class ChangeLog {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeLog.class);
    private static final Set<HandlerType> CHANGES = Set.of(HandlerType.POST, HandlerType.PUT, HandlerType.DELETE,
            HandlerType.PATCH);

    private ChangeLog() {
    }

    static void log(Context ctx, Float millis) {
        if (!CHANGES.contains(ctx.method()) || !ctx.path().startsWith("/api/")) {
            return;
        }
        LOG.info("REST {} {} by {} from {}{}: {}", ctx.method(), ctx.path(), caller(ctx), ctx.ip(),
                forwardedBy(ctx), ctx.status().getCode());
    }

    /** A request another server node forwarded here names that node (only a node name: the header is the caller's). */
    private static String forwardedBy(Context ctx) {
        String node = ctx.header(DeviceHolders.FORWARDED_BY);
        return node != null && node.matches("[A-Za-z0-9._-]{1,64}") ? " (forwarded by node " + node + ")" : "";
    }

    private static String caller(Context ctx) {
        String name = AccessGuard.callerName(ctx);
        return "?".equals(name) ? "no valid token" : "token '" + name + "'";
    }
}
