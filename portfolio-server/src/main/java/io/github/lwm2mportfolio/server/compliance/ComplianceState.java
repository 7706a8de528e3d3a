package io.github.lwm2mportfolio.server.compliance;

/** Where a device stands, as docs/DESIGN says: checked in this order, the first that applies wins. */
public enum ComplianceState {
    /** The client has no object 16, or no ExtDevInfo link from /3/0/22 to it. */
    NO_PORTFOLIO,
    /** No certification record matches the host's manufacturer, model and software version. */
    UNCERTIFIED,
    /** AuthData missing, failed or stale (older than the last Identity change or the freshness limit). */
    UNVERIFIED,
    /** The host matches a certification record and its AuthData verified. */
    COMPLIANT
}
