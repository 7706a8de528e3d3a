package io.github.lwm2mportfolio.core.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.List;
import java.util.Set;

import org.eclipse.leshan.core.request.argument.Arguments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.github.lwm2mportfolio.core.auth.AuthService;

class GetAuthDataRequestTest {

    private static final String NONCE_16 = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[16]);
    private static final Set<Integer> PRESENT = Set.of(0, 1, 2, 3);

    @Test
    void full_argument_list_is_parsed() throws Exception {
        GetAuthDataRequest request = GetAuthDataRequest
                .parse(Arguments.parse("0='0,2',1='mac',2='" + NONCE_16 + "',3='fleet-key'"));

        assertThat(request.identityIds()).contains(List.of(0, 2));
        assertThat(request.service()).contains(AuthService.MAC);
        assertThat(request.nonce()).hasValueSatisfying(n -> assertThat(n).hasSize(16));
        assertThat(request.keyId()).contains("fleet-key");
    }

    @Test
    void defaults_fill_in_all_present_identities_service_and_key() throws Exception {
        GetAuthDataRequest.Resolved resolved = GetAuthDataRequest.parse(Arguments.parse("2='" + NONCE_16 + "'"))
                .resolve(PRESENT, AuthService.SIGN, "default");

        assertThat(resolved.identityIds()).containsExactly(0, 1, 2, 3);
        assertThat(resolved.service()).isEqualTo(AuthService.SIGN);
        assertThat(resolved.keyId()).isEqualTo("default");
    }

    @Test
    void encrypt_needs_no_nonce() throws Exception {
        GetAuthDataRequest.Resolved resolved = GetAuthDataRequest.parse(Arguments.parse("1='encrypt'"))
                .resolve(PRESENT, AuthService.SIGN, "default");

        assertThat(resolved.service()).isEqualTo(AuthService.ENCRYPT);
        assertThat(resolved.nonce()).isNull();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = { //
            "4='x'                    | unknown argument 4", //
            "0                        | argument 0 needs a value", //
            "0='1,,2'                 | comma-separated Identity instance IDs", //
            "0='a'                    | comma-separated Identity instance IDs", //
            "0='1,1'                  | repeated", //
            "0='70000'                | out of range", //
            "1='hash'                 | argument 1 must be one of [sign, mac, encrypt]", //
            "1                        | argument 1 needs a value", //
            "2='AAAA'                 | must decode to 8 to 32 bytes, got 3", //
            "2='AAAAAAAAAAAA='        | base64url without padding", //
            "2='AA+/AAAAAAAA'         | base64url without padding", //
            "3='kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk' | longer than 64" })
    void malformed_arguments_are_refused_with_a_reason(String arguments, String reason) {
        assertThatThrownBy(() -> GetAuthDataRequest.parse(Arguments.parse(arguments)))
                .isInstanceOf(InvalidAuthArgumentsException.class).hasMessageContaining(reason.trim());
    }

    @Test
    void a_missing_identity_instance_is_refused() throws Exception {
        GetAuthDataRequest request = GetAuthDataRequest.parse(Arguments.parse("0='1,7',2='" + NONCE_16 + "'"));

        assertThatThrownBy(() -> request.resolve(PRESENT, AuthService.SIGN, "default"))
                .hasMessage("Identity instance 7 does not exist");
    }

    @Test
    void sign_and_mac_without_nonce_are_refused() throws Exception {
        assertThatThrownBy(() -> GetAuthDataRequest.parse(Arguments.parse("1='mac'")).resolve(PRESENT,
                AuthService.SIGN, "k")).hasMessage("argument 2 (nonce) is required for mac");
        assertThatThrownBy(() -> GetAuthDataRequest.parse(Arguments.emptyArguments()).resolve(PRESENT,
                AuthService.SIGN, "k")).hasMessage("argument 2 (nonce) is required for sign");
    }

    @Test
    void an_instance_without_identities_has_nothing_to_process() throws Exception {
        assertThatThrownBy(() -> GetAuthDataRequest.parse(Arguments.parse("1='encrypt'")).resolve(Set.of(),
                AuthService.SIGN, "k")).hasMessage("no Identity instance to process");
    }

    @Test
    void server_side_arguments_round_trip_through_the_parser() throws Exception {
        byte[] nonce = new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
        Arguments arguments = GetAuthDataRequest.toArguments(List.of(3, 1), AuthService.SIGN, nonce, "k1");

        GetAuthDataRequest parsed = GetAuthDataRequest.parse(Arguments.parse(arguments.serialize()));

        assertThat(parsed.identityIds()).contains(List.of(3, 1));
        assertThat(parsed.service()).contains(AuthService.SIGN);
        assertThat(parsed.nonce()).hasValueSatisfying(n -> assertThat(n).isEqualTo(nonce));
        assertThat(parsed.keyId()).contains("k1");
    }
}
