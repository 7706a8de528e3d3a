package io.github.lwm2mportfolio.server.collector;

/**
 * The collector's load.
 *
 * @param waiting devices and on-demand verifications waiting for a worker
 * @param running collections running now
 * @param maxWaiting the most that ever waited at once since the start
 * @param collected collections finished since the start
 * @param workers the worker threads (fixed)
 */
public record CollectorStats(int waiting, int running, int maxWaiting, int collected, int workers) {
}
