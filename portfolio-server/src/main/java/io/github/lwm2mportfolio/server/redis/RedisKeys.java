package io.github.lwm2mportfolio.server.redis;

import java.net.InetSocketAddress;

import org.eclipse.leshan.core.peer.LwM2mIdentity;

/**
 * The names of every key one deployment keeps in Redis, all under its prefix (e.g. "portfolio:"), so that
 * several deployments, or tests, share one Redis without meeting.
 */
public final class RedisKeys {

    private final String prefix;

    public RedisKeys(String prefix) {
        if (prefix == null || prefix.isBlank() || prefix.contains("*") || prefix.contains("?")
                || prefix.contains("[")) {
            throw new IllegalArgumentException("a Redis key prefix must be non-empty text without * ? or [");
        }
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }

    /** Registration JSON by endpoint name: the record itself, the others are indexes to it. */
    String registration(String endpoint) {
        return prefix + "reg:ep:" + endpoint;
    }

    String registrationPattern() {
        return prefix + "reg:ep:*";
    }

    String byRegistrationId(String registrationId) {
        return prefix + "reg:id:" + registrationId;
    }

    String byAddress(InetSocketAddress address) {
        return prefix + "reg:addr:" + address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    String byIdentity(LwM2mIdentity identity) {
        return prefix + "reg:identity:" + PeerCodec.identity(identity);
    }

    /** Sorted set of endpoint names by expiration time (ms). */
    String expirations() {
        return prefix + "reg:expirations";
    }

    String observationPrefix() {
        return prefix + "obs:";
    }

    String observation(String observationId) {
        return observationPrefix() + observationId;
    }

    /** The set of a registration's observation ids. */
    String observationsOf(String registrationId) {
        return prefix + "obs-of:" + registrationId;
    }

    /** Which node collects a device right now. */
    String collectionLease(String endpoint) {
        return prefix + "lease:" + endpoint;
    }

    /** A live node's announcement (its REST API), which expires unless the node renews it. */
    String node(String name) {
        return prefix + "node:" + name;
    }

    String nodePattern() {
        return prefix + "node:*";
    }

    /** Which node holds a DTLS node id (the first byte of its Connection IDs), and its cluster address. */
    String dtlsNode(int nodeId) {
        return prefix + "dtls-node:" + nodeId;
    }

    /** The pub/sub channel of the server events of every node. */
    String eventChannel() {
        return prefix + "events";
    }

    /** The pub/sub channel on which a node says it changed the revocation list (its name). */
    String revocationChannel() {
        return prefix + "revocations";
    }
}
