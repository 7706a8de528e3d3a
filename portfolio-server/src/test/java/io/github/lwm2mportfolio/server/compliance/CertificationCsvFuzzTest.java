package io.github.lwm2mportfolio.server.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any uploaded CSV (read as UTF-8, as the REST API reads it): the certification import gives records that
 * {@link CertificationCsv#toCsv} writes back as the same records, or refuses the file with a
 * {@link CertificationCsvException} naming a line; never another exception. The same for the unique-ID import.
 * {@code mvn test} replays the seeds in {@code CertificationCsvFuzzTestInputs};
 * {@code JAZZER_FUZZ=1 mvn test -pl portfolio-server -Dtest=CertificationCsvFuzzTest#certifications} fuzzes for
 * five minutes.
 */
class CertificationCsvFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void certifications(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<Certification> records;
        try {
            records = CertificationCsv.parseCertifications(new StringReader(text));
        } catch (CertificationCsvException e) {
            assertThat(e.getMessage()).contains("line");
            return;
        }
        assertThat(records).allSatisfy(record -> {
            assertThat(record.manufacturer()).isNotBlank().hasSizeLessThanOrEqualTo(CertificationCsv.MAX_FIELD_LENGTH);
            assertThat(record.model()).isNotBlank().hasSizeLessThanOrEqualTo(CertificationCsv.MAX_FIELD_LENGTH);
            assertThat(record.softwareVersion()).isNotBlank()
                    .hasSizeLessThanOrEqualTo(CertificationCsv.MAX_FIELD_LENGTH);
        });
        assertThat(CertificationCsv.parseCertifications(new StringReader(CertificationCsv.toCsv(records))))
                .isEqualTo(records);
    }

    @FuzzTest(maxDuration = "5m")
    void unique_ids(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        try {
            assertThat(CertificationCsv.parseUniqueIds(new StringReader(text))).allSatisfy(
                    id -> assertThat(id).isNotBlank().hasSizeLessThanOrEqualTo(CertificationCsv.MAX_FIELD_LENGTH));
        } catch (CertificationCsvException e) {
            assertThat(e.getMessage()).contains("line");
        }
    }
}
