package io.github.lwm2mportfolio.client.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;

import org.eclipse.leshan.core.LwM2m.LwM2mVersion;
import org.eclipse.leshan.core.node.codec.DefaultLwM2mDecoder;
import org.eclipse.leshan.core.node.codec.DefaultLwM2mEncoder;
import org.eclipse.leshan.core.request.ContentFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RegistrationFormTest {

    /** What a client supports with Leshan's codecs, old codes 1542/1543 too, as it tells its registration engine. */
    private static final Set<ContentFormat> SUPPORTED = supported();

    @ParameterizedTest(name = "{0} {1} -> ct {2}")
    @CsvSource(delimiter = '|', value = { //
            "1.1 | all        | 60 110 112 11542 11543", //
            "1.0 | all        | 11543", //
            "1.1 | senml-cbor | 112", //
            "1.1 | SENML-JSON | 110", //
            "1.0 | tlv        | 11542", //
            "1.0 | none       | ''", //
            "1.1 | none       | ''" })
    void the_root_link_advertises_what_the_form_says(String version, String advertised, String codes) {
        RegistrationForm form = RegistrationForm.parse(version, advertised);

        assertThat(form.version()).isEqualTo(LwM2mVersion.get(version));
        assertThat(form.rootLinkFormats(SUPPORTED)).extracting(ContentFormat::getCode).map(String::valueOf)
                .containsExactly(codes.isEmpty() ? new String[0] : codes.split(" "));
    }

    @Test
    void the_default_is_leshans_and_the_fallback_is_lwm2m_1_0_with_one_bare_format() {
        assertThat(RegistrationForm.DEFAULT).isEqualTo(RegistrationForm.parse("1.1", "all"));
        assertThat(RegistrationForm.CONSERVATIVE).isEqualTo(RegistrationForm.parse("1.0", "json"));
        assertThat(RegistrationForm.CONSERVATIVE).hasToString("LwM2M 1.0, ct=11543");
        assertThat(RegistrationForm.parse("1.1", "none")).hasToString("LwM2M 1.1, no ct");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = { //
            "1.2 | all        | the LwM2M version must be 1.0 or 1.1, got '1.2'", //
            "''  | all        | the LwM2M version must be 1.0 or 1.1, got ''", //
            "1.1 | xml        | the advertised format must be all, none or one of [cbor, json, opaque, senml-cbor, "
                    + "senml-json, text, tlv], got 'xml'", //
            "1.0 | senml-cbor | senml-cbor is an LwM2M 1.1 format; an LwM2M 1.0 Register can advertise text, opaque, "
                    + "tlv or json" })
    void a_bad_form_is_refused_with_what_was_wrong(String version, String advertised, String message) {
        assertThatThrownBy(() -> RegistrationForm.parse(version, advertised))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void a_preferred_format_goes_with_advertising_one_only() {
        assertThatThrownBy(() -> new RegistrationForm(LwM2mVersion.V1_1, RegistrationForm.Advertised.NONE,
                ContentFormat.TLV)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RegistrationForm(LwM2mVersion.V1_1, RegistrationForm.Advertised.ONE, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RegistrationForm.of(LwM2mVersion.V1_1).advertisingOnly(ContentFormat.LINK))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("content format 40 cannot be advertised");
    }

    private static Set<ContentFormat> supported() {
        Set<ContentFormat> formats = new java.util.TreeSet<>(new DefaultLwM2mDecoder(true).getSupportedContentFormat());
        formats.addAll(new DefaultLwM2mEncoder(true).getSupportedContentFormat());
        return formats;
    }
}
