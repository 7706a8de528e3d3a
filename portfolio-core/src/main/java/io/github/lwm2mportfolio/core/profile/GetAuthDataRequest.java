package io.github.lwm2mportfolio.core.profile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.eclipse.leshan.core.request.argument.Argument;
import org.eclipse.leshan.core.request.argument.Arguments;
import org.eclipse.leshan.core.request.argument.InvalidArgumentException;

import io.github.lwm2mportfolio.core.auth.AuthService;

/**
 * The GetAuthData (/16/n/1) Execute arguments of this project's profile, version 1 (docs/ARGUMENTS.md):
 * <ul>
 * <li>0: comma-separated Identity instance IDs (default: all present)</li>
 * <li>1: {@code sign}, {@code mac} or {@code encrypt} (default: the client's)</li>
 * <li>2: the server's nonce, base64url without padding, 8 to 32 bytes (required for sign and mac)</li>
 * <li>3: key identifier (default: the client's default key)</li>
 * </ul>
 * Parsing is strict: anything else is refused, so that a server learns at once that it speaks another
 * profile instead of getting AuthData it cannot check.
 */
public record GetAuthDataRequest(Optional<List<Integer>> identityIds, Optional<AuthService> service,
        Optional<byte[]> nonce, Optional<String> keyId) {

    public static final int IDENTITIES = 0;
    public static final int SERVICE = 1;
    public static final int NONCE = 2;
    public static final int KEY_ID = 3;

    public static final int MIN_NONCE_BYTES = 8;
    public static final int MAX_NONCE_BYTES = 32;
    public static final int MAX_KEY_ID_LENGTH = 64;

    private static final Pattern IDENTITY_LIST = Pattern.compile("\\d{1,5}(,\\d{1,5})*");
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+");

    public GetAuthDataRequest {
        identityIds = identityIds.map(List::copyOf);
        nonce = nonce.map(byte[]::clone);
    }

    /** A copy of the nonce bytes, if any. */
    @Override
    public Optional<byte[]> nonce() {
        return nonce.map(byte[]::clone);
    }

    /**
     * Parses Execute arguments. Checks the profile only; whether the Identity instances exist and whether
     * the chosen service has the nonce it needs is for {@link #resolve} to check.
     */
    public static GetAuthDataRequest parse(Arguments arguments) throws InvalidAuthArgumentsException {
        Optional<List<Integer>> ids = Optional.empty();
        Optional<AuthService> service = Optional.empty();
        Optional<byte[]> nonce = Optional.empty();
        Optional<String> keyId = Optional.empty();
        for (Argument argument : arguments) {
            String value = argument.getValue();
            switch (argument.getDigit()) {
            case IDENTITIES -> ids = Optional.of(parseIdentityIds(required(argument)));
            case SERVICE -> service = Optional.of(parseService(required(argument)));
            case NONCE -> nonce = Optional.of(parseNonce(required(argument)));
            case KEY_ID -> keyId = Optional.of(parseKeyId(required(argument)));
            default -> throw new InvalidAuthArgumentsException("unknown argument " + argument.getDigit()
                    + (value == null ? "" : "='" + value + "'") + ": GetAuthData takes arguments 0 to 3");
            }
        }
        return new GetAuthDataRequest(ids, service, nonce, keyId);
    }

    /**
     * Fills in the defaults and checks the request against an instance: every named Identity instance
     * exists, there is something to process, and sign and mac have a nonce.
     */
    public Resolved resolve(Collection<Integer> presentIdentityIds, AuthService defaultService,
            String defaultKeyId) throws InvalidAuthArgumentsException {
        List<Integer> targets;
        if (identityIds.isPresent()) {
            for (Integer id : identityIds.get()) {
                if (!presentIdentityIds.contains(id)) {
                    throw new InvalidAuthArgumentsException("Identity instance " + id + " does not exist");
                }
            }
            targets = identityIds.get();
        } else {
            targets = new ArrayList<>(presentIdentityIds);
            Collections.sort(targets);
        }
        if (targets.isEmpty()) {
            throw new InvalidAuthArgumentsException("no Identity instance to process");
        }
        AuthService chosen = service.orElse(defaultService);
        if (chosen.needsNonce() && nonce.isEmpty()) {
            throw new InvalidAuthArgumentsException(
                    "argument 2 (nonce) is required for " + chosen.argument());
        }
        return new Resolved(targets, chosen, nonce.orElse(null), keyId.orElse(defaultKeyId));
    }

    /** What a client will do: the Identity instances to process, the service, the nonce and the key. */
    public record Resolved(List<Integer> identityIds, AuthService service, byte[] nonce, String keyId) {
        public Resolved {
            identityIds = List.copyOf(identityIds);
        }
    }

    /** Builds the Execute arguments a server sends, in this profile. */
    public static Arguments toArguments(List<Integer> identityIds, AuthService service, byte[] nonce,
            String keyId) {
        Arguments.ArgumentsBuilder builder = Arguments.builder();
        if (identityIds != null && !identityIds.isEmpty()) {
            builder.addArgument(IDENTITIES, String.join(",", identityIds.stream().map(String::valueOf).toList()));
        }
        if (service != null) {
            builder.addArgument(SERVICE, service.argument());
        }
        if (nonce != null) {
            builder.addArgument(NONCE, Base64.getUrlEncoder().withoutPadding().encodeToString(nonce));
        }
        if (keyId != null) {
            builder.addArgument(KEY_ID, keyId);
        }
        try {
            return builder.build();
        } catch (InvalidArgumentException e) {
            throw new IllegalArgumentException("cannot express these GetAuthData arguments: " + e.getMessage(), e);
        }
    }

    private static String required(Argument argument) throws InvalidAuthArgumentsException {
        String value = argument.getValue();
        if (value == null || value.isEmpty()) {
            throw new InvalidAuthArgumentsException("argument " + argument.getDigit() + " needs a value");
        }
        return value;
    }

    private static List<Integer> parseIdentityIds(String value) throws InvalidAuthArgumentsException {
        if (!IDENTITY_LIST.matcher(value).matches()) {
            throw new InvalidAuthArgumentsException(
                    "argument 0 must be comma-separated Identity instance IDs, got '" + value + "'");
        }
        Set<Integer> ids = new LinkedHashSet<>();
        for (String part : value.split(",")) {
            int id = Integer.parseInt(part);
            if (id > 65534) {
                throw new InvalidAuthArgumentsException("Identity instance ID " + id + " is out of range 0..65534");
            }
            if (!ids.add(id)) {
                throw new InvalidAuthArgumentsException("Identity instance ID " + id + " is repeated in argument 0");
            }
        }
        return List.copyOf(ids);
    }

    private static AuthService parseService(String value) throws InvalidAuthArgumentsException {
        for (AuthService service : AuthService.values()) {
            if (service.argument().equals(value)) {
                return service;
            }
        }
        throw new InvalidAuthArgumentsException("argument 1 must be one of " + Arrays.stream(AuthService.values())
                .map(AuthService::argument).toList() + ", got '" + value + "'");
    }

    private static byte[] parseNonce(String value) throws InvalidAuthArgumentsException {
        if (!BASE64URL.matcher(value).matches()) {
            throw new InvalidAuthArgumentsException("argument 2 (nonce) must be base64url without padding");
        }
        byte[] nonce;
        try {
            nonce = Base64.getUrlDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidAuthArgumentsException("argument 2 (nonce) is not valid base64url: " + e.getMessage());
        }
        if (nonce.length < MIN_NONCE_BYTES || nonce.length > MAX_NONCE_BYTES) {
            throw new InvalidAuthArgumentsException("argument 2 (nonce) must decode to " + MIN_NONCE_BYTES + " to "
                    + MAX_NONCE_BYTES + " bytes, got " + nonce.length);
        }
        return nonce;
    }

    private static String parseKeyId(String value) throws InvalidAuthArgumentsException {
        if (value.length() > MAX_KEY_ID_LENGTH) {
            throw new InvalidAuthArgumentsException(
                    "argument 3 (key identifier) is longer than " + MAX_KEY_ID_LENGTH + " characters");
        }
        return value;
    }
}
