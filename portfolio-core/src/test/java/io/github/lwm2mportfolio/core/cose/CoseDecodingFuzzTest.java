package io.github.lwm2mportfolio.core.cose;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.github.lwm2mportfolio.core.auth.AuthClaims;
import io.github.lwm2mportfolio.core.auth.AuthDataException;

/**
 * Any bytes given to the COSE and CBOR decoders: a parsed message, claims, or a {@link CoseException} /
 * {@link AuthDataException} with a reason; never an unchecked exception or an error. Decoded claims encode back to
 * a value that decodes to the same claims. {@code mvn test} replays the seeds in {@code CoseDecodingFuzzTestInputs};
 * {@code JAZZER_FUZZ=1 mvn test -pl portfolio-core -Dtest=CoseDecodingFuzzTest} fuzzes for five minutes.
 */
class CoseDecodingFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void cose_messages_and_claims(byte[] bytes) {
        CoseStructure.ofTaggedMessage(bytes);
        parse(CoseSign1::parse, bytes);
        parse(CoseMac0::parse, bytes);
        parse(CoseEncrypt0::parse, bytes);
        skipAll(bytes);
        try {
            AuthClaims claims = AuthClaims.decode(bytes);
            assertThat(AuthClaims.decode(claims.encode())).isEqualTo(claims);
        } catch (AuthDataException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @FunctionalInterface
    private interface Parser {
        CoseMessage parse(byte[] bytes) throws CoseException;
    }

    private static void parse(Parser parser, byte[] bytes) {
        try {
            CoseMessage message = parser.parse(bytes);
            message.algorithm();
            message.kid();
            message.x5chain();
            if (message.structure() == CoseStructure.ENCRYPT0) {
                message.ciphertext();
            } else {
                message.payload();
            }
        } catch (CoseException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    /** The generic reader: every item skipped, or a reason. */
    private static void skipAll(byte[] bytes) {
        CborReader reader = new CborReader(bytes);
        try {
            while (reader.hasMore()) {
                reader.skipItem();
            }
        } catch (CoseException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }
}
