package io.github.lwm2mportfolio.client;

import org.eclipse.leshan.core.node.codec.DefaultLwM2mEncoder;
import org.eclipse.leshan.core.node.codec.LwM2mDecoder;
import org.eclipse.leshan.core.node.codec.LwM2mEncoder;

import io.github.lwm2mportfolio.client.codec.StrictDecoder;

/**
 * Leshan's codecs as our clients use them: every LwM2M format, plus TLV and JSON under the codes 1542 and 1543 that
 * servers written before LwM2M 1.0.0 still send (11542 and 11543 are the registered ones). The decoder refuses string
 * values that are not UTF-8 ({@link StrictDecoder}). Stateless, so shared.
 */
final class ClientCodecs {

    static final LwM2mEncoder ENCODER = new DefaultLwM2mEncoder(true);
    static final LwM2mDecoder DECODER = new StrictDecoder(true);

    private ClientCodecs() {
    }
}
