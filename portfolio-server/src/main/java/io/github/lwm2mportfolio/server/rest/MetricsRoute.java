package io.github.lwm2mportfolio.server.rest;

import java.util.function.Supplier;

import io.javalin.Javalin;

/**
 * {@code GET /metrics}: the server's meters in the Prometheus text format, for a scraper that sends a viewer
 * token ({@code Authorization: Bearer}, as every {@code /api} route; {@link AccessGuard}).
 */
final class MetricsRoute {

    static final String PATH = "/metrics";
    /** The Prometheus text exposition format, version 0.0.4. */
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Supplier<String> scrape;

    MetricsRoute(Supplier<String> scrape) {
        this.scrape = scrape;
    }

    void addTo(Javalin javalin) {
        javalin.get(PATH, ctx -> ctx.header("Cache-Control", "no-store").contentType(CONTENT_TYPE)
                .result(scrape.get()));
    }
}
