package io.github.lwm2mportfolio.server.compliance;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The operator's CSV files (RFC 4180, UTF-8 with or without a byte order mark):
 * <ul>
 * <li>certified hosts: the header {@code manufacturer,model,software_version}, then one record of three fields
 * a line;</li>
 * <li>allocated host unique IDs: the header {@code unique_id}, then one ID a line.</li>
 * </ul>
 * Fields may be quoted ({@code "Acme, Inc."}, a quote inside doubled: {@code "5"" display"}); a quoted field
 * may span lines. Values are trimmed. Blank lines and lines starting with {@code #} are ignored. The header's
 * names are compared without regard to case. Every problem is reported as a {@link CertificationCsvException}
 * naming its line: wrong or missing header, wrong field count, empty field, unterminated quote, text after a
 * closing quote, a quote inside an unquoted field, a duplicate record, a field over
 * {@value #MAX_FIELD_LENGTH} characters, more than {@value #MAX_ROWS} rows.
 */
public final class CertificationCsv {

    public static final String CERTIFICATIONS_HEADER = "manufacturer,model,software_version";
    public static final String UNIQUE_IDS_HEADER = "unique_id";
    public static final int MAX_FIELD_LENGTH = 256;
    public static final int MAX_ROWS = 1_000_000;

    private static final List<String> CERTIFICATION_FIELDS = List.of("manufacturer", "model", "software_version");
    private static final List<String> UNIQUE_ID_FIELDS = List.of("unique_id");
    /** Raw characters read into one field before giving up on it (leading and trailing blanks included). */
    private static final int MAX_RAW_FIELD = 64 * 1024;
    private static final String NEWLINE = "\r\n";

    private CertificationCsv() {
    }

    /** The certified hosts, in file order. */
    public static List<Certification> parseCertifications(Reader reader) {
        List<Certification> result = new ArrayList<>();
        Map<Certification, Integer> seen = new HashMap<>();
        parse(reader, CERTIFICATION_FIELDS, (line, fields) -> {
            Certification record = new Certification(fields.get(0), fields.get(1), fields.get(2));
            Integer first = seen.putIfAbsent(record, line);
            if (first != null) {
                throw new CertificationCsvException(line, "duplicate record, the same as line " + first);
            }
            result.add(record);
        });
        return Collections.unmodifiableList(result);
    }

    /** The allocated host unique IDs, in file order. */
    public static Set<String> parseUniqueIds(Reader reader) {
        Map<String, Integer> seen = new LinkedHashMap<>();
        parse(reader, UNIQUE_ID_FIELDS, (line, fields) -> {
            Integer first = seen.putIfAbsent(fields.get(0), line);
            if (first != null) {
                throw new CertificationCsvException(line, "duplicate unique ID, the same as line " + first);
            }
        });
        return Collections.unmodifiableSet(seen.keySet());
    }

    /** A file {@link #parseCertifications(Reader)} reads back as the same list (CRLF line ends). */
    public static String toCsv(List<Certification> certifications) {
        StringBuilder out = new StringBuilder(CERTIFICATIONS_HEADER).append(NEWLINE);
        for (Certification record : certifications) {
            if (record == null || record.manufacturer() == null || record.model() == null
                    || record.softwareVersion() == null) {
                throw new IllegalArgumentException("a certification record has a missing field: " + record);
            }
            out.append(quote(record.manufacturer())).append(',').append(quote(record.model())).append(',')
                    .append(quote(record.softwareVersion())).append(NEWLINE);
        }
        return out.toString();
    }

    /** A file {@link #parseUniqueIds(Reader)} reads back as the same IDs (CRLF line ends). */
    public static String uniqueIdsToCsv(Collection<String> uniqueIds) {
        StringBuilder out = new StringBuilder(UNIQUE_IDS_HEADER).append(NEWLINE);
        for (String id : uniqueIds) {
            if (id == null) {
                throw new IllegalArgumentException("a unique ID is missing");
            }
            out.append(quote(id)).append(NEWLINE);
        }
        return out.toString();
    }

    /** Quotes a field when it needs it to read back the same. */
    static String quote(String field) {
        boolean needsQuotes = field.isEmpty() || field.startsWith("#") || !field.strip().equals(field);
        for (int i = 0; i < field.length() && !needsQuotes; i++) {
            char c = field.charAt(i);
            needsQuotes = c == ',' || c == '"' || c == '\r' || c == '\n';
        }
        return needsQuotes ? '"' + field.replace("\"", "\"\"") + '"' : field;
    }

    private interface RowHandler {
        void row(int line, List<String> fields);
    }

    private static void parse(Reader reader, List<String> names, RowHandler handler) {
        Lexer lexer = new Lexer(reader);
        Lexer.Row header = lexer.next();
        String expected = String.join(",", names);
        if (header == null) {
            throw new CertificationCsvException(lexer.line, "the header line " + expected + " is missing");
        }
        List<String> headerNames = header.fields.stream().map(f -> f.trim().toLowerCase(Locale.ROOT)).toList();
        if (!headerNames.equals(names)) {
            throw new CertificationCsvException(header.line,
                    "expected the header " + expected + ", got " + shorten(String.join(",", header.fields)));
        }
        int rows = 0;
        for (Lexer.Row row = lexer.next(); row != null; row = lexer.next()) {
            rows++;
            if (rows > MAX_ROWS) {
                throw new CertificationCsvException(row.line, "more than " + MAX_ROWS + " rows");
            }
            if (row.fields.size() != names.size()) {
                throw new CertificationCsvException(row.line, "expected " + names.size()
                        + (names.size() == 1 ? " field (" : " fields (") + expected + "), got " + row.fields.size());
            }
            List<String> values = new ArrayList<>(names.size());
            for (int i = 0; i < names.size(); i++) {
                String value = row.fields.get(i).trim();
                String name = names.get(i);
                if (value.isEmpty()) {
                    throw new CertificationCsvException(row.line, "field " + (i + 1) + " (" + name + ") is empty");
                }
                if (value.codePointCount(0, value.length()) > MAX_FIELD_LENGTH) {
                    throw new CertificationCsvException(row.line,
                            "field " + (i + 1) + " (" + name + ") is longer than " + MAX_FIELD_LENGTH + " characters");
                }
                values.add(value);
            }
            handler.row(row.line, values);
        }
    }

    private static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }

    /** Splits the text into rows of raw fields, skipping blank and comment lines, counting lines. */
    private static final class Lexer {

        record Row(int line, List<String> fields) {
        }

        private final Reader in;
        /** The line the next character is on. */
        int line = 1;
        private final char[] buffer = new char[8192];
        private int position;
        private int limit;
        private int pushedBack = -2;
        private boolean started;

        Lexer(Reader in) {
            this.in = in;
        }

        /** The next row, null at the end of the text. */
        Row next() {
            while (true) {
                int c = peek();
                if (c == -1) {
                    return null;
                }
                if (c == '#') {
                    skipLine();
                    continue;
                }
                Row row = readRow();
                if (row != null) {
                    return row;
                }
            }
        }

        /** One row from the start of a line; null when the line was blank. */
        private Row readRow() {
            int rowLine = line;
            List<String> fields = new ArrayList<>();
            boolean anyQuote = false;
            while (true) {
                StringBuilder field = new StringBuilder();
                int c = read();
                while (c == ' ' || c == '\t') {
                    field.append((char) c);
                    c = read();
                }
                if (c == '"') {
                    anyQuote = true;
                    field.setLength(0);
                    c = readQuoted(field);
                    while (c == ' ' || c == '\t') {
                        c = read();
                    }
                    if (c != ',' && c != '\n' && c != -1) {
                        throw new CertificationCsvException(line, "unexpected text after a closing quote");
                    }
                } else {
                    while (c != ',' && c != '\n' && c != -1) {
                        if (c == '"') {
                            throw new CertificationCsvException(line,
                                    "a quote inside an unquoted field (quote the whole field and double the quote)");
                        }
                        append(field, c);
                        c = read();
                    }
                }
                fields.add(field.toString());
                if (c != ',') {
                    if (c == '\n') {
                        line++;
                    }
                    break;
                }
            }
            if (!anyQuote && fields.size() == 1 && fields.get(0).isBlank()) {
                return null;
            }
            return new Row(rowLine, fields);
        }

        /** Reads a quoted field after its opening quote; returns the character after the closing quote. */
        private int readQuoted(StringBuilder field) {
            int openedOn = line;
            while (true) {
                int c = read();
                if (c == -1) {
                    throw new CertificationCsvException(openedOn, "unterminated quote");
                }
                if (c == '"') {
                    int after = read();
                    if (after != '"') {
                        return after;
                    }
                } else if (c == '\n') {
                    line++;
                }
                append(field, c);
            }
        }

        private void append(StringBuilder field, int c) {
            if (field.length() >= MAX_RAW_FIELD) {
                throw new CertificationCsvException(line, "a field is longer than " + MAX_FIELD_LENGTH + " characters");
            }
            field.append((char) c);
        }

        private void skipLine() {
            int c;
            do {
                c = read();
            } while (c != '\n' && c != -1);
            if (c == '\n') {
                line++;
            }
        }

        private int peek() {
            if (pushedBack == -2) {
                pushedBack = readRaw();
            }
            return pushedBack;
        }

        /** The next character with CRLF and a lone CR read as LF. */
        private int read() {
            int c = peek();
            pushedBack = -2;
            if (c == '\r') {
                if (peek() == '\n') {
                    pushedBack = -2;
                }
                return '\n';
            }
            return c;
        }

        private int readRaw() {
            int c = nextBuffered();
            if (!started) {
                started = true;
                if (c == '\uFEFF') {
                    c = nextBuffered();
                }
            }
            return c;
        }

        private int nextBuffered() {
            if (position == limit) {
                if (limit == -1) {
                    return -1;
                }
                try {
                    int n;
                    do {
                        n = in.read(buffer, 0, buffer.length);
                    } while (n == 0);
                    if (n < 0) {
                        limit = -1;
                        position = -1;
                        return -1;
                    }
                    position = 0;
                    limit = n;
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the CSV text: " + e.getMessage(), e);
                }
            }
            return buffer[position++];
        }
    }
}
