package io.github.lwm2mportfolio.server.inventory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** JDBC URLs: the default H2 file, the H2 options the schema needs, and URLs with their passwords hidden. */
final class DatabaseUrls {

    /**
     * PostgreSQL compatibility for the shared schema and SQL; a query cache larger than H2's 8, since one device's
     * collection runs about twenty distinct statements and parsing them again was a fifth of the database's work.
     * WRITE_DELAY=0: every commit reaches the file before it returns; H2's default of 500 ms lost committed
     * collections when the server was killed (issue 11, ServerCrashTest). No closing by H2's own shutdown hook,
     * which closed the database under requests still being answered while the server stopped (SIGTERM): the
     * server closes it itself, last.
     */
    private static final String H2_OPTIONS = "MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;"
            + "QUERY_CACHE_SIZE=128;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";

    private static final Pattern PASSWORD_PARAMETER =
            Pattern.compile("(?i)([;?&](?:password|pwd|sslpassword|sslkeypassword)=)([^;&]*)");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:;?]*:)([^/@]*)(@)");

    private DatabaseUrls() {
    }

    static boolean isH2(String url) {
        return url.regionMatches(true, 0, "jdbc:h2:", 0, 8);
    }

    static boolean isPostgres(String url) {
        return url.regionMatches(true, 0, "jdbc:postgresql:", 0, 16);
    }

    /** The default embedded database: an H2 file {@code inventory.mv.db} in this directory. */
    static String h2Url(Path dataDirectory) {
        String dir = dataDirectory.toAbsolutePath().normalize().toString().replace('\\', '/');
        if (dir.indexOf(';') >= 0) {
            throw new IllegalArgumentException("the data directory must not contain ';': " + dir);
        }
        return "jdbc:h2:file:" + (dir.endsWith("/") ? dir : dir + "/") + "inventory;" + H2_OPTIONS;
    }

    /** The H2 URL with the PostgreSQL compatibility options added where it does not set them itself. */
    static String withH2Options(String url) {
        StringBuilder result = new StringBuilder(url);
        String upper = url.toUpperCase(Locale.ROOT);
        for (String option : H2_OPTIONS.split(";")) {
            String key = option.substring(0, option.indexOf('=') + 1);
            if (!upper.contains(";" + key)) {
                result.append(';').append(option);
            }
        }
        return result.toString();
    }

    /** The URL with every password replaced by ***. */
    static String redact(String url) {
        String result = PASSWORD_PARAMETER.matcher(url).replaceAll("$1***");
        return USER_INFO.matcher(result).replaceAll("$1***$3");
    }

    /** The non-empty passwords the URL carries, as parameters or as user info. */
    static List<String> passwords(String url) {
        List<String> found = new ArrayList<>();
        Matcher m = PASSWORD_PARAMETER.matcher(url);
        while (m.find()) {
            if (!m.group(2).isEmpty()) {
                found.add(m.group(2));
            }
        }
        m = USER_INFO.matcher(url);
        while (m.find()) {
            if (!m.group(2).isEmpty()) {
                found.add(m.group(2));
            }
        }
        return found;
    }

    /** The text with the URL redacted and every password of it replaced by ***, wherever it appears. */
    static String redactText(String text, String url) {
        String result = text.replace(url, redact(url));
        for (String password : passwords(url)) {
            result = result.replace(password, "***");
        }
        return result;
    }
}
