package io.github.lwm2mportfolio.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.api.Test;

class ForwardedUriTest {

    private static final URI HOLDER = URI.create("http://10.0.0.11:8080");

    @Test
    void a_valid_path_and_query_are_sent_as_they_came_escapes_included() {
        URI uri = ForwardedUri.of(HOLDER, "/api/devices/odd%20name/verify", "a=b&c=%2F");

        assertThat(uri.toString()).isEqualTo("http://10.0.0.11:8080/api/devices/odd%20name/verify?a=b&c=%2F");
        assertThat(uri.getPath()).isEqualTo("/api/devices/odd name/verify");
    }

    @Test
    void characters_jetty_lets_through_but_uri_refuses_are_percent_encoded() {
        URI uri = ForwardedUri.of(HOLDER, "/api/devices/meter|7{x}^/verify", "x=|&y=%ZZ&z=50%");

        assertThat(uri.getRawPath()).isEqualTo("/api/devices/meter%7C7%7Bx%7D%5E/verify");
        assertThat(uri.getPath()).isEqualTo("/api/devices/meter|7{x}^/verify");
        assertThat(uri.getRawQuery()).isEqualTo("x=%7C&y=%25ZZ&z=50%25");
        assertThat(uri.getQuery()).isEqualTo("x=|&y=%ZZ&z=50%");
    }

    @Test
    void non_ascii_text_is_sent_as_utf8_escapes() {
        URI uri = ForwardedUri.of(HOLDER, "/api/devices/zähler/verify", null);

        assertThat(uri.getRawPath()).isEqualTo("/api/devices/z%C3%A4hler/verify");
        assertThat(uri.getRawQuery()).isNull();
    }
}
