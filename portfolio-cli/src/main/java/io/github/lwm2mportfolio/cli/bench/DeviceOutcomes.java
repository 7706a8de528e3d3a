package io.github.lwm2mportfolio.cli.bench;

/** What a bench server tells about each device: it registered, then its work on the server succeeded or failed. */
interface DeviceOutcomes {

    void registered(String endpoint);

    void succeeded(String endpoint);

    void failed(String endpoint, String reason);
}
