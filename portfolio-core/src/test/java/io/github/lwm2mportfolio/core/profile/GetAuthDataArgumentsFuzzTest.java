package io.github.lwm2mportfolio.core.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import org.eclipse.leshan.core.request.argument.Arguments;
import org.eclipse.leshan.core.request.argument.InvalidArgumentException;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.github.lwm2mportfolio.core.auth.AuthService;

/**
 * Any Execute payload a server sends to GetAuthData: Leshan's argument syntax refuses it, or our profile refuses it
 * with a reason, or it resolves to a request within the profile's bounds that reads back as itself. Nothing else
 * (no unchecked exception). {@code mvn test} replays the seeds in {@code GetAuthDataArgumentsFuzzTestInputs};
 * {@code JAZZER_FUZZ=1 mvn test -pl portfolio-core -Dtest=GetAuthDataArgumentsFuzzTest} fuzzes for five minutes.
 */
class GetAuthDataArgumentsFuzzTest {

    private static final Set<Integer> PRESENT = Set.of(0, 1, 2, 3, 65534);

    @FuzzTest(maxDuration = "5m")
    void execute_payload(byte[] bytes) {
        // As the client gets it: the CoAP payload read as UTF-8.
        String payload = new String(bytes, StandardCharsets.UTF_8);
        Arguments arguments;
        try {
            arguments = Arguments.parse(payload);
        } catch (InvalidArgumentException e) {
            return; // Leshan answers 4.00 before our object sees it
        }
        GetAuthDataRequest.Resolved resolved;
        try {
            resolved = GetAuthDataRequest.parse(arguments).resolve(PRESENT, AuthService.SIGN, "default");
        } catch (InvalidAuthArgumentsException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(resolved.identityIds()).isNotEmpty().doesNotHaveDuplicates().allMatch(PRESENT::contains);
        if (resolved.service().needsNonce()) {
            assertThat(resolved.nonce()).isNotNull();
        }
        if (resolved.nonce() != null) {
            assertThat(resolved.nonce().length).isBetween(GetAuthDataRequest.MIN_NONCE_BYTES,
                    GetAuthDataRequest.MAX_NONCE_BYTES);
        }
        assertThat(resolved.keyId()).isNotEmpty().hasSizeLessThanOrEqualTo(GetAuthDataRequest.MAX_KEY_ID_LENGTH);
    }
}
