package io.github.lwm2mportfolio.cli.bench;

/**
 * What a Portfolio bench server shares with the other nodes of its run: the PostgreSQL inventory and Redis, and its
 * own node name among them.
 *
 * @param jdbcUrl the PostgreSQL URL, with the run's schema
 * @param redisUri redis://HOST:PORT
 * @param redisPrefix the run's key prefix
 * @param node this node's name
 */
record SharedStores(String jdbcUrl, String redisUri, String redisPrefix, String node) {
}
