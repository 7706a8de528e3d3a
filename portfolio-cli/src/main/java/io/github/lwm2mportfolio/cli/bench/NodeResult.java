package io.github.lwm2mportfolio.cli.bench;

/**
 * What one of ours' nodes measured in a run.
 *
 * @param node its name (a, b...)
 * @param firstWave of the reregister load: its first wave, else null
 * @param server its devices (of the reregister load: their second registration)
 */
record NodeResult(String node, ServerResult firstWave, ServerResult server) {
}
