package io.github.lwm2mportfolio.server.compliance;

/**
 * A certification or unique ID CSV file that cannot be used, with the line where the problem is (counting
 * from 1, as an editor shows it). The message reads "line N: reason".
 */
public final class CertificationCsvException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final int lineNumber;
    private final String reason;

    public CertificationCsvException(int lineNumber, String reason) {
        super("line " + lineNumber + ": " + reason);
        this.lineNumber = lineNumber;
        this.reason = reason;
    }

    public int lineNumber() {
        return lineNumber;
    }

    public String reason() {
        return reason;
    }
}
