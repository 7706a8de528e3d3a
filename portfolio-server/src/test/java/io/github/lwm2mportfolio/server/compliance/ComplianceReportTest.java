package io.github.lwm2mportfolio.server.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.lwm2mportfolio.server.inventory.DeviceSummary;
import io.github.lwm2mportfolio.server.inventory.HostIdentityView;
import io.github.lwm2mportfolio.server.inventory.Verification;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;

class ComplianceReportTest {

    private static final Instant AT = Instant.parse("2025-03-01T10:15:30Z");

    private static DeviceSummary device(String endpoint, HostIdentityView host, ComplianceState state,
            Verification last) {
        return new DeviceSummary(endpoint, "1.1", true, AT, AT, host, state, last, null);
    }

    private static List<String> lines(String csv) {
        assertThat(csv).endsWith("\r\n");
        return List.of(csv.split("\r\n", -1)).subList(0, csv.split("\r\n", -1).length - 1);
    }

    @Test
    void anEmptyFleetIsTheHeaderAlone() {
        assertThat(ComplianceReport.csv(List.of())).isEqualTo(
                "endpoint,state,manufacturer,model,software_version,unique_id,online,last_verification,last_reason,reason\r\n");
    }

    @Test
    void eachDeviceIsOneLineWithItsHostStateAndLastVerdict() {
        Verification verified = new Verification(AT, VerificationOutcome.VERIFIED, null, "sign", 0, 3L, "{}");
        Verification replayed = new Verification(AT, VerificationOutcome.FAILED, "counter replayed", "mac", 1, 3L, null);
        String csv = ComplianceReport.csv(List.of(
                device("ep-1", new HostIdentityView("IMEI-1", "Acme", "Widget", "1.0"), ComplianceState.COMPLIANT,
                        verified),
                device("ep-2", new HostIdentityView("IMEI-2", "Acme", "Widget", "1.1"), ComplianceState.UNVERIFIED,
                        replayed)));
        assertThat(lines(csv)).containsExactly(ComplianceReport.HEADER,
                "ep-1,COMPLIANT,Acme,Widget,1.0,IMEI-1,true,2025-03-01T10:15:30Z,VERIFIED,",
                "ep-2,UNVERIFIED,Acme,Widget,1.1,IMEI-2,true,2025-03-01T10:15:30Z,FAILED: counter replayed,");
    }

    @Test
    void unknownValuesAreEmptyFields() {
        DeviceSummary bare = new DeviceSummary("ep-3", null, false, null, null, HostIdentityView.UNKNOWN,
                ComplianceState.NO_PORTFOLIO, null, "the client has no object 16 (Portfolio)");
        assertThat(lines(ComplianceReport.csv(List.of(bare)))).containsExactly(ComplianceReport.HEADER,
                "ep-3,NO_PORTFOLIO,,,,,false,,,the client has no object 16 (Portfolio)");
    }

    @Test
    void fieldsWithCommasQuotesOrLineBreaksAreQuoted() {
        DeviceSummary odd = device("ep-4", new HostIdentityView("a\nb", "Acme, Inc.", "5\" display", "1.0"),
                ComplianceState.UNCERTIFIED, null);
        assertThat(ComplianceReport.csv(List.of(odd))).endsWith(
                "ep-4,UNCERTIFIED,\"Acme, Inc.\",\"5\"\" display\",1.0,\"a\nb\",true,,,\r\n");
    }

    @Test
    void valuesASpreadsheetWouldRunAsFormulasAreNeutralised() {
        DeviceSummary hostile = device("=cmd|' /C calc'!A0",
                new HostIdentityView("@SUM(A1)", "+Acme", "-2+3", "=HYPERLINK(\"http://x\")"),
                ComplianceState.UNCERTIFIED, null);
        List<String> lines = lines(ComplianceReport.csv(List.of(hostile)));
        assertThat(lines.get(1)).isEqualTo("'=cmd|' /C calc'!A0,UNCERTIFIED,'+Acme,'-2+3,"
                + "\"'=HYPERLINK(\"\"http://x\"\")\",'@SUM(A1),true,,,");
    }

    @Test
    void aFormulaCharacterInsideAValueIsLeftAlone() {
        DeviceSummary fine = device("ep=5", new HostIdentityView("IMEI-5", "A+B", "M-1", "v@2"),
                ComplianceState.UNCERTIFIED, null);
        assertThat(lines(ComplianceReport.csv(List.of(fine))).get(1)).startsWith("ep=5,UNCERTIFIED,A+B,M-1,v@2,IMEI-5");
    }

    @Test
    void rowsAppendedOneByOneMakeTheSameReport() {
        List<DeviceSummary> fleet = List.of(
                device("a", new HostIdentityView("1", "M", "X", "1"), ComplianceState.UNVERIFIED, null),
                device("b", HostIdentityView.UNKNOWN, ComplianceState.NO_PORTFOLIO, null));
        StringBuilder streamed = new StringBuilder(ComplianceReport.HEADER).append("\r\n");
        fleet.forEach(d -> ComplianceReport.appendRow(streamed, d));
        assertThat(streamed.toString()).isEqualTo(ComplianceReport.csv(fleet));
    }
}
