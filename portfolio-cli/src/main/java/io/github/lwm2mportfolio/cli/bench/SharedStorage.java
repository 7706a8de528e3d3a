package io.github.lwm2mportfolio.cli.bench;

import java.util.List;

/**
 * What a run of ours as nodes left in the stores they share, measured while every client of the fleet is still
 * registered and collected: the sizes a deployment's sizing is worked out from.
 *
 * @param schema the run's PostgreSQL schema (dropped after the run)
 * @param redisPrefix the run's key prefix (its keys deleted after the run)
 * @param registeredClients the measured fleet, all registered (the warm-up fleet has deregistered)
 * @param redisKeys the run's keys in Redis
 * @param redisBytes the sum of their {@code MEMORY USAGE} (key, value and Redis's own overhead of each)
 * @param redis the same by kind of key (the part of the name after the run's prefix, up to its next ':')
 * @param redisUsedMemoryBefore Redis's {@code used_memory} before the run's nodes started (the whole Redis,
 *        which other users share)
 * @param redisUsedMemoryWith the same with the fleet registered
 * @param postgresBytes the sum of {@code pg_total_relation_size} (table, indexes, TOAST) over the run's schema
 * @param postgres the same by table, with its rows (the warm-up devices stay in the inventory)
 */
record SharedStorage(String schema, String redisPrefix, int registeredClients, long redisKeys, long redisBytes, List<KeyKind> redis,
        long redisUsedMemoryBefore, long redisUsedMemoryWith, long postgresBytes, List<Table> postgres) {

    SharedStorage {
        redis = List.copyOf(redis);
        postgres = List.copyOf(postgres);
    }

    /** Keys of one kind, e.g. "reg" or "obs". */
    record KeyKind(String kind, long keys, long bytes) {
    }

    /** One table of the inventory. */
    record Table(String name, long rows, long bytes) {
    }
}
