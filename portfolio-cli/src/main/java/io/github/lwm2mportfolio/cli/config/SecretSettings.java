package io.github.lwm2mportfolio.cli.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

import picocli.CommandLine.Model.OptionSpec;

/**
 * Which settings hold a secret, and their values as they may be shown. A secret option (a key, password or token
 * given as a value, not as a file) is masked whole; in other values the passwords of URLs are masked, and the path
 * of an http(s) URL (a webhook's path is often its secret).
 */
final class SecretSettings {

    static final String MASK = "********";

    private static final Pattern SECRET_NAME = Pattern.compile("(^|-)(key|password|passphrase|secret|token|pin)$");
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^/@:?#]*:)[^/@?#]+@");
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile(
            "(?i)([?&;](password|passwd|pwd|pass|secret|token|apikey|api-key|api_key|key)=)[^&;#]*");

    private SecretSettings() {
    }

    /** An option whose value is the secret itself (--fleet-key HEX), not the path of a file that holds it. */
    static boolean isSecret(OptionSpec option) {
        return option.type() == String.class && SECRET_NAME.matcher(SettingKeys.key(option)).find();
    }

    /**
     * A value that holds a secret: a secret option's, or a URL with a password in it. (An http(s) URL's path is
     * masked when shown but not taken for a secret here: most are not.)
     */
    static boolean holdsSecret(OptionSpec option, String value) {
        return isSecret(option) || !withoutPasswords(value).equals(value);
    }

    /** The value as print-config shows it. */
    static String mask(OptionSpec option, String value) {
        return isSecret(option) ? MASK : masked(value);
    }

    private static String masked(String value) {
        String httpUrl = httpUrlWithoutPath(value);
        if (httpUrl != null) {
            return httpUrl;
        }
        return withoutPasswords(value);
    }

    private static String withoutPasswords(String value) {
        String withoutUserPassword = URL_PASSWORD.matcher(value).replaceAll("$1" + MASK + "@");
        return PASSWORD_PARAMETER.matcher(withoutUserPassword).replaceAll("$1" + MASK);
    }

    /** https://hooks.example.net/services/T0/B0/XYZ shows as https://hooks.example.net/********. */
    private static String httpUrlWithoutPath(String value) {
        try {
            URI uri = new URI(value.strip());
            if (uri.getScheme() == null || !uri.getScheme().matches("(?i)https?") || uri.getHost() == null) {
                return null;
            }
            boolean more = uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                    || uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/");
            String origin = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
            return more ? origin + "/" + MASK : origin + (uri.getRawPath() == null ? "" : uri.getRawPath());
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
