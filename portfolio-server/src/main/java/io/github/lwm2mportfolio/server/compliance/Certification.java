package io.github.lwm2mportfolio.server.compliance;

/** A certified host: manufacturer, model and software version, compared exactly (after trimming). */
public record Certification(String manufacturer, String model, String softwareVersion) {
}
