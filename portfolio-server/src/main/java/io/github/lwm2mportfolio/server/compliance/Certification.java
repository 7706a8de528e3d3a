package io.github.lwm2mportfolio.server.compliance;

/** A certified host: manufacturer, model and software version, compared exactly (after trimming). */
public record Certification(String manufacturer, String model, String softwareVersion) {

    /** The record as compliance compares it: each field trimmed (none may be null). */
    public Certification trimmed() {
        return new Certification(manufacturer.trim(), model.trim(), softwareVersion.trim());
    }
}
