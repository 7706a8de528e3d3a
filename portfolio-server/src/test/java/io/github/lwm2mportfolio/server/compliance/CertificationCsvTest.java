package io.github.lwm2mportfolio.server.compliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CertificationCsvTest {

    private static final String HEADER = "manufacturer,model,software_version\n";

    private static List<Certification> parse(String text) {
        return CertificationCsv.parseCertifications(new StringReader(text));
    }

    private static CertificationCsvException failure(String text) {
        return catchThrowableOfType(CertificationCsvException.class, () -> parse(text));
    }

    private static CertificationCsvException uniqueIdFailure(String text) {
        return catchThrowableOfType(CertificationCsvException.class,
                () -> CertificationCsv.parseUniqueIds(new StringReader(text)));
    }

    @Test
    void readsOneCertificationPerRowInFileOrder() {
        assertThat(parse(HEADER + "Acme,Widget,1.0\nBeta,Box,2.3.4\n")).containsExactly(
                new Certification("Acme", "Widget", "1.0"), new Certification("Beta", "Box", "2.3.4"));
    }

    @Test
    void aFileWithOnlyTheHeaderIsAnEmptyList() {
        assertThat(parse(HEADER)).isEmpty();
        assertThat(parse("manufacturer,model,software_version")).isEmpty();
    }

    @Test
    void acceptsAByteOrderMarkAndWindowsLineEnds() {
        byte[] bom = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF };
        byte[] text = "manufacturer,model,software_version\r\nAcme,Widget,1.0\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] file = new byte[bom.length + text.length];
        System.arraycopy(bom, 0, file, 0, bom.length);
        System.arraycopy(text, 0, file, bom.length, text.length);
        Reader reader = new InputStreamReader(new ByteArrayInputStream(file), StandardCharsets.UTF_8);
        assertThat(CertificationCsv.parseCertifications(reader))
                .containsExactly(new Certification("Acme", "Widget", "1.0"));
    }

    @Test
    void skipsBlankLinesAndCommentLinesAnywhere() {
        String text = "# certified hosts, 2025\n\nmanufacturer,model,software_version\n\n# first\nAcme,Widget,1.0\n"
                + "   \n#Beta,Box,2\n";
        assertThat(parse(text)).containsExactly(new Certification("Acme", "Widget", "1.0"));
    }

    @Test
    void readsTheHeaderWithoutRegardToCaseBlanksOrQuotes() {
        assertThat(parse("\"Manufacturer\", MODEL ,Software_Version\nAcme,Widget,1.0\n")).hasSize(1);
    }

    @Test
    void quotedFieldsMayHoldCommasQuotesAndLineBreaks() {
        String text = HEADER + "\"Acme, Inc.\",\"5\"\" display\",\"1.0\nbeta\"\n";
        assertThat(parse(text)).containsExactly(new Certification("Acme, Inc.", "5\" display", "1.0\nbeta"));
    }

    @Test
    void trimsEveryValue() {
        assertThat(parse(HEADER + "  Acme ,\tWidget, \" 1.0 \" \n"))
                .containsExactly(new Certification("Acme", "Widget", "1.0"));
    }

    @Test
    void aFieldStartingWithAHashIsDataWhenQuoted() {
        assertThat(parse(HEADER + "\"#1 Maker\",Widget,1.0\n"))
                .containsExactly(new Certification("#1 Maker", "Widget", "1.0"));
    }

    @Test
    void anEmptyFileHasNoHeaderOnLineOne() {
        CertificationCsvException e = failure("");
        assertThat(e.lineNumber()).isEqualTo(1);
        assertThat(e.reason()).contains("header").contains("manufacturer,model,software_version");
        assertThat(e).hasMessage("line 1: " + e.reason());
    }

    @Test
    void aFileOfCommentsHasNoHeaderAfterItsLastLine() {
        assertThat(failure("# nothing\n# here\n").lineNumber()).isEqualTo(3);
    }

    @Test
    void aWrongHeaderIsReportedOnItsLine() {
        CertificationCsvException e = failure("# list\nvendor,model,version\nAcme,Widget,1.0\n");
        assertThat(e.lineNumber()).isEqualTo(2);
        assertThat(e.reason()).isEqualTo("expected the header manufacturer,model,software_version, got vendor,model,version");
    }

    @Test
    void aUniqueIdFileIsNotACertificationFile() {
        assertThat(failure("unique_id\nIMEI-1\n").reason()).contains("got unique_id");
    }

    @Test
    void aHeaderWithAFourthColumnIsWrong() {
        assertThat(failure("manufacturer,model,software_version,unique_id\n").lineNumber()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "Acme,Widget|2", "Acme,Widget,1.0,extra|4", "Acme|1" })
    void aRowWithTheWrongFieldCountIsReportedWithItsCount(String row, int count) {
        CertificationCsvException e = failure(HEADER + "Acme,Widget,1.0\n" + row + "\n");
        assertThat(e.lineNumber()).isEqualTo(3);
        assertThat(e.reason()).isEqualTo("expected 3 fields (manufacturer,model,software_version), got " + count);
    }

    @Test
    void anEmptyFieldIsReportedByNameAndPosition() {
        CertificationCsvException e = failure(HEADER + "Acme,,1.0\n");
        assertThat(e.lineNumber()).isEqualTo(2);
        assertThat(e.reason()).isEqualTo("field 2 (model) is empty");
        assertThat(failure(HEADER + "Acme,Widget,\"  \"\n").reason()).isEqualTo("field 3 (software_version) is empty");
    }

    @Test
    void anUnterminatedQuoteIsReportedWhereItOpened() {
        CertificationCsvException e = failure(HEADER + "Acme,Widget,1.0\n\"Beta,Box,2\nGamma,Cube,3\n");
        assertThat(e.lineNumber()).isEqualTo(3);
        assertThat(e.reason()).isEqualTo("unterminated quote");
    }

    @Test
    void textAfterAClosingQuoteIsAnError() {
        CertificationCsvException e = failure(HEADER + "\"Acme\"x,Widget,1.0\n");
        assertThat(e.lineNumber()).isEqualTo(2);
        assertThat(e.reason()).isEqualTo("unexpected text after a closing quote");
    }

    @Test
    void aQuoteInsideAnUnquotedFieldIsAnError() {
        CertificationCsvException e = failure(HEADER + "Acme,5\" display,1.0\n");
        assertThat(e.lineNumber()).isEqualTo(2);
        assertThat(e.reason()).startsWith("a quote inside an unquoted field");
    }

    @Test
    void aDuplicateRecordNamesTheLineOfTheFirst() {
        CertificationCsvException e = failure(HEADER + "Acme,Widget,1.0\nBeta,Box,2\n Acme , Widget ,1.0\n");
        assertThat(e.lineNumber()).isEqualTo(4);
        assertThat(e.reason()).isEqualTo("duplicate record, the same as line 2");
    }

    @Test
    void recordsDifferingOnlyInCaseAreNotDuplicates() {
        assertThat(parse(HEADER + "Acme,Widget,1.0\nACME,Widget,1.0\n")).hasSize(2);
    }

    @Test
    void aFieldOf256CharactersIsAcceptedAndOf257Refused() {
        String max = "m".repeat(256);
        assertThat(parse(HEADER + max + ",Widget,1.0\n")).containsExactly(new Certification(max, "Widget", "1.0"));
        CertificationCsvException e = failure(HEADER + "Acme,Widget,1.0\nAcme," + "w".repeat(257) + ",1.0\n");
        assertThat(e.lineNumber()).isEqualTo(3);
        assertThat(e.reason()).isEqualTo("field 2 (model) is longer than 256 characters");
    }

    @Test
    void aHugeFieldIsRefusedWithoutReadingItAll() {
        CertificationCsvException e = failure(HEADER + "Acme,Widget," + "9".repeat(1_000_000) + "\n");
        assertThat(e.lineNumber()).isEqualTo(2);
        assertThat(e.reason()).contains("longer than 256 characters");
    }

    @Test
    void lineNumbersCountTheLinesInsideQuotedFields() {
        CertificationCsvException e = failure(HEADER + "\"Acme\nCorp\",Widget,1.0\n\nBeta,,2\n");
        assertThat(e.lineNumber()).isEqualTo(5);
    }

    @Test
    void aMillionRowsAreAcceptedAndOneMoreIsRefused() {
        assertThat(CertificationCsv.parseCertifications(new GeneratedRows(CertificationCsv.MAX_ROWS)))
                .hasSize(CertificationCsv.MAX_ROWS);
        CertificationCsvException e = catchThrowableOfType(CertificationCsvException.class,
                () -> CertificationCsv.parseCertifications(new GeneratedRows(CertificationCsv.MAX_ROWS + 1)));
        assertThat(e.lineNumber()).isEqualTo(CertificationCsv.MAX_ROWS + 2);
        assertThat(e.reason()).isEqualTo("more than 1000000 rows");
    }

    @Test
    void writesAFileThatReadsBackTheSameList() {
        List<Certification> list = List.of(new Certification("Acme, Inc.", "5\" display", "1.0"),
                new Certification("#hash", "multi\nline", "ünïcödé ✓"), new Certification("Plain", "Model", "2"));
        String csv = CertificationCsv.toCsv(list);
        assertThat(csv).startsWith("manufacturer,model,software_version\r\n").contains("Plain,Model,2\r\n");
        assertThat(parse(csv)).isEqualTo(list);
    }

    @Test
    void aParsedFileWrittenAndParsedAgainIsUnchanged() {
        List<Certification> first = parse(HEADER + "# c\nAcme,Widget,1.0\n\"Beta, Ltd\",Box,\"2\"\"\"\n");
        assertThat(parse(CertificationCsv.toCsv(first))).isEqualTo(first);
    }

    @Test
    void anEmptyListWritesOnlyTheHeader() {
        assertThat(CertificationCsv.toCsv(List.of())).isEqualTo("manufacturer,model,software_version\r\n");
    }

    @Test
    void writingARecordWithAMissingFieldIsRefused() {
        assertThatThrownBy(() -> CertificationCsv.toCsv(List.of(new Certification("Acme", null, "1"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsAllocatedUniqueIdsInFileOrder() {
        Set<String> ids = CertificationCsv.parseUniqueIds(
                new StringReader("\uFEFFunique_id\r\n# allocated\nIMEI-2\n \"IMEI-1\" \n\n\"IMEI,3\"\n"));
        assertThat(ids).containsExactly("IMEI-2", "IMEI-1", "IMEI,3");
    }

    @Test
    void aUniqueIdFileNeedsItsHeader() {
        CertificationCsvException e = uniqueIdFailure("IMEI-1\nIMEI-2\n");
        assertThat(e.lineNumber()).isEqualTo(1);
        assertThat(e.reason()).isEqualTo("expected the header unique_id, got IMEI-1");
    }

    @Test
    void aUniqueIdRowHasOneField() {
        CertificationCsvException e = uniqueIdFailure("unique_id\nIMEI-1\nIMEI-2,IMEI-3\n");
        assertThat(e.lineNumber()).isEqualTo(3);
        assertThat(e.reason()).isEqualTo("expected 1 field (unique_id), got 2");
    }

    @Test
    void aDuplicateUniqueIdIsReported() {
        CertificationCsvException e = uniqueIdFailure("unique_id\nIMEI-1\nIMEI-2\nIMEI-1 \n");
        assertThat(e.lineNumber()).isEqualTo(4);
        assertThat(e.reason()).isEqualTo("duplicate unique ID, the same as line 2");
    }

    @Test
    void anEmptyOrOverlongUniqueIdIsReported() {
        assertThat(uniqueIdFailure("unique_id\n\"\"\n").reason()).isEqualTo("field 1 (unique_id) is empty");
        assertThat(uniqueIdFailure("unique_id\n" + "7".repeat(257) + "\n").reason())
                .isEqualTo("field 1 (unique_id) is longer than 256 characters");
        assertThat(uniqueIdFailure("unique_id\n\"IMEI\n").reason()).isEqualTo("unterminated quote");
    }

    @Test
    void uniqueIdsWrittenReadBackTheSame() {
        List<String> ids = List.of("IMEI-1", "#2", "with,comma", "quote\"d");
        Set<String> back = CertificationCsv.parseUniqueIds(new StringReader(CertificationCsv.uniqueIdsToCsv(ids)));
        assertThat(back).containsExactlyElementsOf(ids);
    }

    /** A certification file of n distinct rows made on the fly. */
    private static final class GeneratedRows extends Reader {
        private final int rows;
        private int next = -1;
        private String current = HEADER;
        private int position;

        GeneratedRows(int rows) {
            this.rows = rows;
        }

        @Override
        public int read(char[] buffer, int offset, int length) {
            if (position == current.length()) {
                next++;
                if (next >= rows) {
                    return -1;
                }
                current = "Maker,Model," + next + "\n";
                position = 0;
            }
            int n = Math.min(length, current.length() - position);
            current.getChars(position, position + n, buffer, offset);
            position += n;
            return n;
        }

        @Override
        public void close() {
        }
    }
}
