package io.github.lwm2mportfolio.cli.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonValue;

/** How the simulated clients reach the server. */
enum BenchTransport {
    /** Plain CoAP over UDP. */
    COAP("CoAP"),
    /**
     * DTLS 1.2 with a pre-shared key per device, TLS_PSK_WITH_AES_128_CCM_8 (LwM2M's mandatory PSK suite): one
     * handshake per client before its registration.
     */
    DTLS("DTLS-PSK");

    private final String label;

    BenchTransport(String label) {
        this.label = label;
    }

    /** The name on the command line and in results.json. */
    @JsonValue
    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The name in the table and the chart. */
    String label() {
        return label;
    }

    static Optional<BenchTransport> fromId(String id) {
        return Arrays.stream(values()).filter(transport -> transport.id().equals(id)).findFirst();
    }
}
