package io.github.lwm2mportfolio.client.registration;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

import org.eclipse.leshan.core.LwM2m.LwM2mVersion;
import org.eclipse.leshan.core.request.ContentFormat;

/**
 * How a client presents itself in its Register: the LwM2M version of the {@code lwm2m=} query parameter, and which
 * content formats the root link's {@code ct} attribute advertises (all the optional ones as Leshan does, one, or
 * none). It changes only what the client says: its encoders and decoders still accept every format.
 *
 * @param version LwM2M 1.0 or 1.1
 * @param advertised what the root link's {@code ct} holds
 * @param preferred the one format when {@code advertised} is {@link Advertised#ONE}, else null
 */
public record RegistrationForm(LwM2mVersion version, Advertised advertised, ContentFormat preferred) {

    /** What the root link's {@code ct} attribute holds. */
    public enum Advertised {
        /** Every optional format the client supports ({@code ct="60 110 ..."} in 1.1, {@code ct=11543} in 1.0). */
        ALL,
        /** One format, written as a bare number ({@code ct=112}). */
        ONE,
        /** No {@code ct} attribute. */
        NONE
    }

    // Before the forms below: their constructor checks against these.
    /** The formats LwM2M 1.0 defines; a 1.0 Register advertises no other. */
    private static final List<ContentFormat> LWM2M_1_0_FORMATS = List.of(ContentFormat.TEXT, ContentFormat.OPAQUE,
            ContentFormat.TLV, ContentFormat.JSON);

    /** Formats a client may name as its one preferred format, by their command-line names. */
    private static final Map<String, ContentFormat> NAMED_FORMATS = Map.of("text", ContentFormat.TEXT, "opaque",
            ContentFormat.OPAQUE, "tlv", ContentFormat.TLV, "json", ContentFormat.JSON, "senml-json",
            ContentFormat.SENML_JSON, "senml-cbor", ContentFormat.SENML_CBOR, "cbor", ContentFormat.CBOR);

    /** Leshan's own: LwM2M 1.1, every optional format. */
    public static final RegistrationForm DEFAULT = new RegistrationForm(LwM2mVersion.V1_1, Advertised.ALL, null);

    /**
     * What the strictest servers we know accept, the form a refused Register falls back to: LwM2M 1.0 and
     * {@code ct=11543} (OMA JSON). TLV needs no mention in 1.0 (every 1.0 client has it), and 11543 is the one
     * value even old C servers read in a root link (they refuse any other or a quoted list).
     */
    public static final RegistrationForm CONSERVATIVE = new RegistrationForm(LwM2mVersion.V1_0, Advertised.ONE,
            ContentFormat.JSON);

    public RegistrationForm {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(advertised, "advertised");
        if (!version.equals(LwM2mVersion.V1_0) && !version.equals(LwM2mVersion.V1_1)) {
            throw new IllegalArgumentException("the LwM2M version must be 1.0 or 1.1, got " + version);
        }
        if ((advertised == Advertised.ONE) != (preferred != null)) {
            throw new IllegalArgumentException("a preferred content format goes with advertising ONE, and only then");
        }
        if (preferred != null && !NAMED_FORMATS.containsValue(preferred)) {
            throw new IllegalArgumentException("content format " + preferred.getCode() + " cannot be advertised");
        }
        if (preferred != null && version.equals(LwM2mVersion.V1_0) && !LWM2M_1_0_FORMATS.contains(preferred)) {
            throw new IllegalArgumentException(name(preferred) + " is an LwM2M 1.1 format; an LwM2M 1.0 Register "
                    + "can advertise text, opaque, tlv or json");
        }
    }

    /** Every optional format, at this version. */
    public static RegistrationForm of(LwM2mVersion version) {
        return new RegistrationForm(version, Advertised.ALL, null);
    }

    /** Only this format in the root link. */
    public RegistrationForm advertisingOnly(ContentFormat format) {
        return new RegistrationForm(version, Advertised.ONE, Objects.requireNonNull(format, "format"));
    }

    /** No {@code ct} in the root link. */
    public RegistrationForm advertisingNone() {
        return new RegistrationForm(version, Advertised.NONE, null);
    }

    /**
     * Parses the command-line spelling: a version {@code 1.0} or {@code 1.1}, and {@code all}, {@code none} or one
     * format name ({@code tlv}, {@code json}, {@code senml-json}, {@code senml-cbor}, {@code cbor}, {@code text},
     * {@code opaque}).
     *
     * @throws IllegalArgumentException with a message that says what was wrong
     */
    public static RegistrationForm parse(String version, String advertised) {
        LwM2mVersion lwm2m = switch (version) {
        case "1.0" -> LwM2mVersion.V1_0;
        case "1.1" -> LwM2mVersion.V1_1;
        default -> throw new IllegalArgumentException("the LwM2M version must be 1.0 or 1.1, got '" + version + "'");
        };
        String name = advertised.toLowerCase(Locale.ROOT);
        if (name.equals("all")) {
            return of(lwm2m);
        }
        if (name.equals("none")) {
            return of(lwm2m).advertisingNone();
        }
        ContentFormat format = NAMED_FORMATS.get(name);
        if (format == null) {
            throw new IllegalArgumentException("the advertised format must be all, none or one of "
                    + new TreeSet<>(NAMED_FORMATS.keySet()) + ", got '" + advertised + "'");
        }
        return of(lwm2m).advertisingOnly(format);
    }

    /** The content formats of the root link's {@code ct}, from those the client supports; empty for none. */
    public List<ContentFormat> rootLinkFormats(Collection<ContentFormat> supported) {
        return switch (advertised) {
        case ONE -> List.of(preferred);
        case NONE -> List.of();
        // In 1.0 a client has TLV, plain text and opaque anyway: JSON is the one optional format.
        case ALL -> version.equals(LwM2mVersion.V1_0)
                ? supported.stream().filter(ContentFormat.JSON::equals).toList()
                // Not the pre-1.0.0 codes 1542 and 1543: the client reads them, but a 1.1 server has no use for them.
                : new TreeSet<>(supported).stream().filter(NAMED_FORMATS::containsValue)
                        .filter(format -> !format.isMandatoryForClient(version)).toList();
        };
    }

    /** For logs and the command line, e.g. {@code LwM2M 1.0, ct=11543}. */
    @Override
    public String toString() {
        String ct = switch (advertised) {
        case ALL -> "ct=every optional format";
        case ONE -> "ct=" + preferred.getCode();
        case NONE -> "no ct";
        };
        return "LwM2M " + version + ", " + ct;
    }

    private static String name(ContentFormat format) {
        return NAMED_FORMATS.entrySet().stream().filter(entry -> entry.getValue().equals(format)).findFirst()
                .map(Map.Entry::getKey).orElse(String.valueOf(format.getCode()));
    }
}
