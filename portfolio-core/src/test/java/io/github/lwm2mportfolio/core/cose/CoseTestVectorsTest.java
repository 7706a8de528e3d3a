package io.github.lwm2mportfolio.core.cose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The public COSE-WG examples (github.com/cose-wg/Examples) for Sign1, Mac0 and Encrypt0 with a
 * direct key: "fail" cases must be refused with CoseException, the others must check out to the
 * plaintext. The vectors are copied into this module's test resources (see cose-wg-examples/SOURCE.md); system
 * property cose.vectors points at another copy. A missing directory fails.
 */
class CoseTestVectorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();
    private static final List<String> DIRECTORIES = List.of("sign1-tests", "mac0-tests", "encrypted-tests",
            "ecdsa-examples", "eddsa-examples", "hmac-examples", "aes-gcm-examples", "aes-ccm-examples");

    static Path vectorsDirectory() {
        String property = System.getProperty("cose.vectors");
        Path dir = property != null && !property.isBlank() ? Paths.get(property) : testResource("cose-wg-examples");
        assertThat(dir).as("COSE-WG examples directory (system property cose.vectors)").isDirectory();
        return dir;
    }

    private static Path testResource(String name) {
        URL url = CoseTestVectorsTest.class.getResource("/" + name);
        assertThat(url).as("test resource " + name).isNotNull();
        try {
            return Paths.get(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    static Stream<Arguments> vectors() throws IOException {
        Path root = vectorsDirectory();
        List<Arguments> out = new ArrayList<>();
        for (String name : DIRECTORIES) {
            Path dir = root.resolve(name);
            assertThat(dir).isDirectory();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                    JsonNode input = read(file).get("input");
                    if (input.has("sign0") || input.has("mac0") || input.has("encrypted")) {
                        out.add(Arguments.of(name + "/" + file.getFileName(), file));
                    }
                }
            }
        }
        assertThat(out).as("COSE-WG vectors found").hasSizeGreaterThanOrEqualTo(50);
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void vector_is_accepted_or_refused_as_published(String name, Path file) throws Exception {
        JsonNode vector = read(file);
        JsonNode input = vector.get("input");
        boolean mustFail = vector.path("fail").asBoolean(false);
        byte[] message = HEX.parseHex(vector.get("output").get("cbor").asText());
        byte[] plaintext = input.get("plaintext").asText().getBytes(StandardCharsets.UTF_8);
        CheckedCall check;
        if (input.has("sign0")) {
            JsonNode sign = input.get("sign0");
            PublicKey key = Jwk.publicKey(sign.get("key"));
            byte[] aad = external(sign);
            check = () -> CoseSign1.verify(message, key, aad);
        } else if (input.has("mac0")) {
            JsonNode mac = input.get("mac0");
            SecretKey key = Jwk.secretKey(mac.get("recipients").get(0).get("key"), "HmacSHA256");
            byte[] aad = external(mac);
            check = () -> CoseMac0.verify(message, key, aad);
        } else {
            JsonNode enc = input.get("encrypted");
            SecretKey key = Jwk.secretKey(enc.get("recipients").get(0).get("key"), "AES");
            byte[] aad = external(enc);
            check = () -> CoseEncrypt0.decrypt(message, key, aad);
        }
        if (mustFail) {
            assertThatThrownBy(check::call).isInstanceOf(CoseException.class);
        } else {
            assertThat(check.call().payload()).asString(StandardCharsets.UTF_8)
                    .isEqualTo(new String(plaintext, StandardCharsets.UTF_8));
        }
    }

    static Stream<Arguments> passingVectors() throws IOException {
        return vectors().filter(a -> !read((Path) a.get()[1]).path("fail").asBoolean(false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("passingVectors")
    void what_we_make_with_the_vector_key_and_algorithm_checks_out(String name, Path file) throws Exception {
        JsonNode vector = read(file);
        JsonNode input = vector.get("input");
        byte[] published = HEX.parseHex(vector.get("output").get("cbor").asText());
        byte[] payload = input.get("plaintext").asText().getBytes(StandardCharsets.UTF_8);
        byte[] aad = {1, 2, 3};
        byte[] kid = {7};
        if (input.has("sign0")) {
            JsonNode jwk = input.get("sign0").get("key");
            CoseAlgorithm alg = CoseSign1.parse(published).algorithm();
            byte[] made = CoseSign1.sign(alg, Jwk.privateKey(jwk), kid, payload, aad);
            CoseMessage checked = CoseSign1.verify(made, Jwk.publicKey(jwk), aad);
            assertThat(checked.payload()).isEqualTo(payload);
            assertThat(checked.kid()).contains(kid);
        } else if (input.has("mac0")) {
            SecretKey key = Jwk.secretKey(input.get("mac0").get("recipients").get(0).get("key"), "HmacSHA256");
            CoseAlgorithm alg = CoseMac0.parse(published).algorithm();
            byte[] made = CoseMac0.mac(alg, key, kid, payload, aad);
            assertThat(CoseMac0.verify(made, key, aad).payload()).isEqualTo(payload);
        } else {
            SecretKey key = Jwk.secretKey(input.get("encrypted").get("recipients").get(0).get("key"), "AES");
            CoseAlgorithm alg = CoseEncrypt0.parse(published).algorithm();
            byte[] made = CoseEncrypt0.encrypt(alg, key, kid, payload, aad);
            assertThat(CoseEncrypt0.decrypt(made, key, aad).payload()).isEqualTo(payload);
        }
    }

    @Test
    void eddsa_signature_is_reproduced_byte_for_byte() throws Exception {
        JsonNode vector = read(vectorsDirectory().resolve("eddsa-examples/eddsa-sig-01.json"));
        JsonNode jwk = vector.get("input").get("sign0").get("key");
        PrivateKey key = Jwk.privateKey(jwk);
        byte[] made = CoseSign1.sign(CoseAlgorithm.EDDSA, key, CoseHeaders.builder().contentType(0).build(),
                CoseHeaders.builder().kid("11".getBytes(StandardCharsets.UTF_8)).build(),
                "This is the content.".getBytes(StandardCharsets.UTF_8), null);
        assertThat(HEX.formatHex(made)).isEqualToIgnoringCase(vector.get("output").get("cbor").asText());
    }

    @Test
    void hmac_is_reproduced_byte_for_byte() throws Exception {
        for (String name : List.of("HMac-enc-01", "HMac-enc-02", "HMac-enc-03", "HMac-enc-05")) {
            JsonNode vector = read(vectorsDirectory().resolve("hmac-examples/" + name + ".json"));
            byte[] expected = HEX.parseHex(vector.get("output").get("cbor").asText());
            CoseAlgorithm alg = CoseMac0.parse(expected).algorithm();
            SecretKey key = Jwk.secretKey(vector.get("input").get("mac0").get("recipients").get(0).get("key"),
                    "HmacSHA256");
            byte[] made = CoseMac0.mac(alg, key, (byte[]) null,
                    vector.get("input").get("plaintext").asText().getBytes(StandardCharsets.UTF_8), null);
            assertThat(made).as(name).isEqualTo(expected);
        }
    }

    static Stream<Arguments> aeadExamples() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (String dir : List.of("aes-gcm-examples", "aes-ccm-examples")) {
            try (Stream<Path> files = Files.list(vectorsDirectory().resolve(dir))) {
                files.sorted().filter(f -> !read(f).path("fail").asBoolean(false))
                        .forEach(f -> out.add(Arguments.of(dir + "/" + f.getFileName(), f)));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("aeadExamples")
    void encryption_with_the_published_iv_is_reproduced_byte_for_byte(String name, Path file) throws Exception {
        JsonNode vector = read(file);
        byte[] expected = HEX.parseHex(vector.get("output").get("cbor").asText());
        CoseMessage published = CoseEncrypt0.parse(expected);
        SecretKey key = Jwk.secretKey(vector.get("input").get("encrypted").get("recipients").get(0).get("key"),
                "AES");
        byte[] made = CoseEncrypt0.encrypt(published.algorithm(), key, CoseHeaders.EMPTY, CoseHeaders.EMPTY,
                vector.get("input").get("plaintext").asText().getBytes(StandardCharsets.UTF_8), null,
                published.unprotectedHeaders().iv().orElseThrow());
        assertThat(HEX.formatHex(made)).isEqualToIgnoringCase(HEX.formatHex(expected));
    }

    private static byte[] external(JsonNode node) {
        JsonNode external = node.get("external");
        return external == null ? new byte[0] : HEX.parseHex(external.asText());
    }

    @FunctionalInterface
    private interface CheckedCall {
        CoseMessage call() throws Exception;
    }
}
