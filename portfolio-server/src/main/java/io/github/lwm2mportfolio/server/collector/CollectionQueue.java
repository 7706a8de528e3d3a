package io.github.lwm2mportfolio.server.collector;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the collector's workers take, in this order: on-demand work (verify from the REST API, bounded: beyond
 * {@code onDemandCapacity} it is refused), then collections of established devices, then collections of strangers
 * (issue 11: a flood of fake registrations never makes a real device wait behind it). A device waits at most once
 * (its attempt is the lowest asked for) and is never collected by two workers at once. Collections are bounded by
 * the registrations, one entry each.
 */
final class CollectionQueue {

    /** One piece of work: an on-demand task, or the collection of an endpoint at an attempt. */
    record Work(Runnable task, String endpoint, int attempt) {
    }

    private final int onDemandCapacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    /** Signalled when a collection ends (its own condition, so that no worker's wake-up goes to a waiter). */
    private final Condition ended = lock.newCondition();
    private final ArrayDeque<Runnable> onDemand = new ArrayDeque<>();
    private final LinkedHashMap<String, Integer> established = new LinkedHashMap<>();
    /** Waiting strangers by source address; the order of the addresses is their turn (the next served first). */
    private final LinkedHashMap<String, LinkedHashMap<String, Integer>> strangersBySource = new LinkedHashMap<>();
    /** The source address of each waiting stranger. */
    private final Map<String, String> strangerSources = new HashMap<>();
    private final Set<String> running = new HashSet<>();
    private int maxWaiting;
    /** Set by {@link #closeIntake()}: a stopping server takes no new work. */
    private boolean intakeClosed;

    CollectionQueue(int onDemandCapacity) {
        this.onDemandCapacity = onDemandCapacity;
    }

    /** False when {@code onDemandCapacity} tasks wait already. */
    boolean offerOnDemand(Runnable task) {
        lock.lock();
        try {
            if (intakeClosed || onDemand.size() >= onDemandCapacity) {
                return false;
            }
            onDemand.add(task);
            changed();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Asks for a collection; a device already waiting keeps its place (moved ahead if it became established).
     * {@code source} is the address the device registered from (strangers take turns by it); null when unknown.
     */
    void offer(String endpoint, int attempt, boolean isEstablished, String source) {
        lock.lock();
        try {
            if (intakeClosed) {
                return;
            }
            String waitingFrom = strangerSources.get(endpoint);
            if (isEstablished || established.containsKey(endpoint)) {
                Integer waitingAsStranger = removeStranger(endpoint);
                established.merge(endpoint, waitingAsStranger == null ? attempt
                        : Math.min(attempt, waitingAsStranger), Math::min);
            } else if (waitingFrom != null) {
                strangersBySource.get(waitingFrom).merge(endpoint, attempt, Math::min);
            } else {
                String key = source == null ? "" : source;
                strangerSources.put(endpoint, key);
                strangersBySource.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(endpoint, attempt);
            }
            changed();
        } finally {
            lock.unlock();
        }
    }

    /** The next work, waiting for one; a collection taken must be ended with {@link #done(String)}. */
    Work take() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (true) {
                Runnable task = onDemand.poll();
                if (task != null) {
                    return new Work(task, null, 0);
                }
                Work work = takeFrom(established);
                if (work == null) {
                    work = takeStranger();
                }
                if (work != null) {
                    return work;
                }
                available.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Drops the waiting collection of this endpoint, if any (a device removed by the operator). */
    void remove(String endpoint) {
        lock.lock();
        try {
            established.remove(endpoint);
            removeStranger(endpoint);
        } finally {
            lock.unlock();
        }
    }

    /** Waits until no collection of this endpoint runs, at most {@code limit}; false when one still runs. */
    boolean awaitNotRunning(String endpoint, Duration limit) throws InterruptedException {
        long nanos = limit.toNanos();
        lock.lockInterruptibly();
        try {
            while (running.contains(endpoint)) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = ended.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes no more work and drops what waits (a stopping server: those devices are collected when they register
     * with the next one); returns how many waited. What runs goes on.
     */
    int closeIntake() {
        lock.lock();
        try {
            intakeClosed = true;
            int dropped = waitingLocked();
            onDemand.clear();
            established.clear();
            strangersBySource.clear();
            strangerSources.clear();
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /** The endpoints whose collection runs now. */
    Set<String> runningEndpoints() {
        lock.lock();
        try {
            return Set.copyOf(running);
        } finally {
            lock.unlock();
        }
    }

    /** The collection of this endpoint ended; it may be taken again. */
    void done(String endpoint) {
        lock.lock();
        try {
            running.remove(endpoint);
            available.signalAll();
            ended.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private Work takeFrom(LinkedHashMap<String, Integer> line) {
        Iterator<Map.Entry<String, Integer>> entries = line.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<String, Integer> entry = entries.next();
            if (running.add(entry.getKey())) {
                entries.remove();
                return new Work(null, entry.getKey(), entry.getValue());
            }
        }
        return null;
    }

    /** The first stranger not running, from the address whose turn it is; that address then goes last. */
    private Work takeStranger() {
        for (Map.Entry<String, LinkedHashMap<String, Integer>> bySource : strangersBySource.entrySet()) {
            Work work = takeFrom(bySource.getValue());
            if (work != null) {
                String source = bySource.getKey();
                strangerSources.remove(work.endpoint());
                LinkedHashMap<String, Integer> rest = strangersBySource.remove(source);
                if (!rest.isEmpty()) {
                    strangersBySource.put(source, rest); // its next turn comes after every other address's
                }
                return work;
            }
        }
        return null;
    }

    /** Removes a waiting stranger; its attempt, null when it was not waiting. */
    private Integer removeStranger(String endpoint) {
        String source = strangerSources.remove(endpoint);
        if (source == null) {
            return null;
        }
        LinkedHashMap<String, Integer> line = strangersBySource.get(source);
        Integer attempt = line.remove(endpoint);
        if (line.isEmpty()) {
            strangersBySource.remove(source);
        }
        return attempt;
    }

    private void changed() {
        maxWaiting = Math.max(maxWaiting, waitingLocked());
        available.signal();
    }

    private int waitingLocked() {
        return onDemand.size() + established.size() + strangerSources.size();
    }

    /** Work waiting for a worker (not the running ones). */
    int waiting() {
        lock.lock();
        try {
            return waitingLocked();
        } finally {
            lock.unlock();
        }
    }

    int running() {
        lock.lock();
        try {
            return running.size();
        } finally {
            lock.unlock();
        }
    }

    /** The most work that ever waited at once. */
    int maxWaiting() {
        lock.lock();
        try {
            return maxWaiting;
        } finally {
            lock.unlock();
        }
    }
}
