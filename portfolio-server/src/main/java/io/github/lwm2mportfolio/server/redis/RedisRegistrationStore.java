package io.github.lwm2mportfolio.server.redis;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.eclipse.leshan.core.Destroyable;
import org.eclipse.leshan.core.Startable;
import org.eclipse.leshan.core.Stoppable;
import org.eclipse.leshan.core.observation.CompositeObservation;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.core.observation.ObservationIdentifier;
import org.eclipse.leshan.core.observation.SingleObservation;
import org.eclipse.leshan.core.peer.LwM2mIdentity;
import org.eclipse.leshan.server.registration.Deregistration;
import org.eclipse.leshan.server.registration.ExpirationListener;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.server.registration.RegistrationStore;
import org.eclipse.leshan.server.registration.RegistrationUpdate;
import org.eclipse.leshan.server.registration.UpdatedRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * Leshan's registration store (registrations and their observations) in a Redis that several server nodes
 * share.
 * <p>
 * One key per endpoint holds the registration's JSON; indexes by registration id, address and identity point
 * to the endpoint. Every change is a compare-and-set: the store reads the registration, works out the new one,
 * and a Lua script writes it, with its indexes, only if the stored text is still the one read; else the store
 * reads again. So an update racing a deregistration or a newer registration on another node never brings back
 * the removed one, and a registration is never lost to a stale write.
 * <p>
 * Expiry: a sorted set of endpoints by expiration time, which each node's cleaner reads; the node whose
 * compare-and-set removes an expired registration is the one that tells its expiration listener.
 */
public final class RedisRegistrationStore implements RegistrationStore, Startable, Stoppable, Destroyable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisRegistrationStore.class);

    /*
     * KEYS[1] registration, KEYS[2] expirations, KEYS[3] observation set to drop (with its observations),
     * KEYS[4 .. 3+n] indexes to point at the endpoint, the rest: indexes to drop if they still point at it.
     * ARGV[1] the text read ('' none), ARGV[2] the new text ('' remove), ARGV[3] endpoint, ARGV[4] expiration
     * (ms), ARGV[5] n, ARGV[6] observation key prefix. Returns {0} when the text changed since read, else
     * {1, the dropped observations...}.
     */
    private static final LuaScript WRITE = new LuaScript("""
            local current = redis.call('GET', KEYS[1]) or ''
            if current ~= ARGV[1] then return {0} end
            if ARGV[2] == '' then
              redis.call('DEL', KEYS[1])
              redis.call('ZREM', KEYS[2], ARGV[3])
            else
              redis.call('SET', KEYS[1], ARGV[2])
              redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
            end
            local n = tonumber(ARGV[5])
            for i = 4, 3 + n do redis.call('SET', KEYS[i], ARGV[3]) end
            for i = 4 + n, #KEYS do
              if redis.call('GET', KEYS[i]) == ARGV[3] then redis.call('DEL', KEYS[i]) end
            end
            local result = {1}
            for _, id in ipairs(redis.call('SMEMBERS', KEYS[3])) do
              local obs = redis.call('GET', ARGV[6] .. id)
              if obs then table.insert(result, obs) end
              redis.call('DEL', ARGV[6] .. id)
            end
            redis.call('DEL', KEYS[3])
            return result
            """, ScriptOutputType.MULTI);

    /*
     * KEYS[1] registration id index, KEYS[2] observation, KEYS[3] the registration's observation set; ARGV[1]
     * observation text, ARGV[2] '1' to add only if absent, ARGV[3] observation id. Returns {0} when the
     * registration is gone, else {1, the replaced observation if any}.
     */
    private static final LuaScript ADD_OBSERVATION = new LuaScript("""
            if redis.call('EXISTS', KEYS[1]) == 0 then return {0} end
            local previous = redis.call('GET', KEYS[2])
            if not (previous and ARGV[2] == '1') then redis.call('SET', KEYS[2], ARGV[1]) end
            redis.call('SADD', KEYS[3], ARGV[3])
            if previous then return {1, previous} end
            return {1}
            """, ScriptOutputType.MULTI);

    /* KEYS[1] observation, KEYS[2] its registration's set; ARGV[1] the text read, ARGV[2] observation id. */
    private static final LuaScript REMOVE_OBSERVATION = new LuaScript("""
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
            redis.call('DEL', KEYS[1])
            redis.call('SREM', KEYS[2], ARGV[2])
            return 1
            """, ScriptOutputType.INTEGER);

    /** The custom registration data that names the node a registration came to (see {@link #nodeOf}). */
    static final String NODE_DATA = "portfolio.node";

    private final RedisCommands<String, String> redis;
    private final RedisKeys keys;
    private final String node;
    private final long gracePeriodSeconds;
    private final long cleanPeriodSeconds;
    private final Predicate<String> nodeAlive;
    private final ScheduledExecutorService cleaner;
    private volatile ExpirationListener expirationListener;
    private ScheduledFuture<?> cleaning;

    /**
     * @param gracePeriodSeconds how long past its lifetime a registration stays (room for the nodes' clocks)
     * @param cleanPeriodSeconds how often this node looks for expired registrations
     * @param nodeAlive whether the node of this name is alive (see {@link #updateRegistration})
     */
    public RedisRegistrationStore(SharedRedis shared, long gracePeriodSeconds, long cleanPeriodSeconds,
            Predicate<String> nodeAlive) {
        this.redis = shared.commands();
        this.keys = shared.keys();
        this.node = shared.node();
        this.gracePeriodSeconds = gracePeriodSeconds;
        this.cleanPeriodSeconds = cleanPeriodSeconds;
        this.nodeAlive = nodeAlive;
        this.cleaner = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "redis-registration-cleaner");
            thread.setDaemon(true);
            return thread;
        });
    }

    // ----- registrations

    /**
     * The node a registration came to: requests to the device leave from there, and over DTLS only that node
     * holds the session. Null for a registration not stored by a node of this store.
     */
    public static String nodeOf(Registration registration) {
        return registration.getCustomRegistrationData().get(NODE_DATA);
    }

    /** Stores the registration stamped with this node's name (an update keeps the stamp: see {@link #nodeOf}). */
    @Override
    public Deregistration addRegistration(Registration received) {
        Map<String, String> data = new HashMap<>(received.getCustomRegistrationData());
        data.put(NODE_DATA, node);
        Registration registration = new Registration.Builder(received).customRegistrationData(data).build();
        while (true) {
            String read = redis.get(keys.registration(registration.getEndpoint()));
            Registration previous = read == null ? null : RegistrationCodec.decode(read);
            List<String> dropped = write(read, registration, previous);
            if (dropped != null) {
                return previous == null ? null : new Deregistration(previous, observations(dropped));
            }
        }
    }

    /**
     * Updates the registration; but one that came to a node that is no longer alive is removed instead (told to
     * the expiration listener, as expired) and null returned: Leshan answers the Update 4.04 Not Found, and the
     * device registers again, through whichever node the load balancer now sends it to. Only the node a
     * registration came to can send the device requests (and over DTLS only it holds the session): a dead node's
     * registration kept alive by updates that reach another node would leave the device uncollected for good.
     */
    @Override
    public UpdatedRegistration updateRegistration(RegistrationUpdate update) {
        while (true) {
            Read current = readById(update.getRegistrationId());
            if (current == null) {
                return null;
            }
            String origin = nodeOf(current.registration);
            if (origin != null && !origin.equals(node) && !nodeAlive.test(origin)) {
                if (takeOver(current, origin)) {
                    return null;
                }
                continue; // changed meanwhile: read again
            }
            Registration updated = update.update(current.registration);
            if (write(current.text, updated, current.registration) != null) {
                return new UpdatedRegistration(current.registration, updated);
            }
        }
    }

    /** Removes a dead node's registration (compare-and-set); false when it changed since it was read. */
    private boolean takeOver(Read current, String origin) {
        List<String> dropped = write(current.text, null, current.registration);
        if (dropped == null) {
            return false;
        }
        LOG.info("{}: its registration came to node {}, which is no longer alive: removed, its update answered "
                + "4.04 so that it registers again through a live node", current.registration.getEndpoint(), origin);
        ExpirationListener listener = expirationListener;
        if (listener != null) {
            listener.registrationExpired(current.registration, observations(dropped));
        }
        return true;
    }

    @Override
    public Deregistration removeRegistration(String registrationId) {
        while (true) {
            Read current = readById(registrationId);
            if (current == null) {
                return null;
            }
            List<String> dropped = write(current.text, null, current.registration);
            if (dropped != null) {
                return new Deregistration(current.registration, observations(dropped));
            }
        }
    }

    @Override
    public Registration getRegistration(String registrationId) {
        Read current = readById(registrationId);
        return current == null ? null : current.registration;
    }

    @Override
    public Registration getRegistrationByEndpoint(String endpoint) {
        String text = redis.get(keys.registration(Objects.requireNonNull(endpoint)));
        return text == null ? null : RegistrationCodec.decode(text);
    }

    @Override
    public Registration getRegistrationByAdress(InetSocketAddress address) {
        return byIndex(keys.byAddress(address));
    }

    @Override
    public Registration getRegistrationByIdentity(LwM2mIdentity identity) {
        return byIndex(keys.byIdentity(identity));
    }

    /**
     * Every registration of every node, read page by page as the iterator goes (a SCAN: a registration
     * changed meanwhile may be seen twice or not at all).
     */
    @Override
    public Iterator<Registration> getAllRegistrations() {
        ScanArgs match = ScanArgs.Builder.matches(keys.registrationPattern()).limit(500);
        return new Iterator<>() {
            private KeyScanCursor<String> cursor;
            private Iterator<Registration> page = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!page.hasNext() && (cursor == null || !cursor.isFinished())) {
                    cursor = cursor == null ? redis.scan(match) : redis.scan(ScanCursor.of(cursor.getCursor()), match);
                    List<Registration> registrations = new ArrayList<>();
                    if (!cursor.getKeys().isEmpty()) {
                        redis.mget(cursor.getKeys().toArray(String[]::new)).forEach(value -> value
                                .ifHasValue(text -> registrations.add(RegistrationCodec.decode(text))));
                    }
                    page = registrations.iterator();
                }
                return page.hasNext();
            }

            @Override
            public Registration next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.next();
            }
        };
    }

    private Registration byIndex(String indexKey) {
        String endpoint = redis.get(indexKey);
        return endpoint == null ? null : getRegistrationByEndpoint(endpoint);
    }

    private record Read(String text, Registration registration) {
    }

    /** The registration with this id and the text it was read from, or null when no registration has it. */
    private Read readById(String registrationId) {
        String endpoint = redis.get(keys.byRegistrationId(registrationId));
        if (endpoint == null) {
            return null;
        }
        String text = redis.get(keys.registration(endpoint));
        if (text == null) {
            return null;
        }
        Registration registration = RegistrationCodec.decode(text);
        // The endpoint registered again since the index was read: the id asked for is gone.
        return registration.getId().equals(registrationId) ? new Read(text, registration) : null;
    }

    /**
     * Replaces the registration read as {@code read} ({@code previous}, both null when none) by {@code next} (null:
     * remove it). Returns the texts of the observations dropped with {@code previous}, or null when the stored
     * registration changed since it was read.
     */
    private List<String> write(String read, Registration next, Registration previous) {
        String endpoint = next != null ? next.getEndpoint() : previous.getEndpoint();
        Set<String> pointing = next == null ? Set.of() : indexes(next);
        Set<String> stale = previous == null ? new LinkedHashSet<>() : indexes(previous);
        stale.removeAll(pointing);
        // An update keeps the registration id, and with it the observations.
        boolean dropObservations = previous != null && (next == null || !next.getId().equals(previous.getId()));
        List<String> keyList = new ArrayList<>();
        keyList.add(keys.registration(endpoint));
        keyList.add(keys.expirations());
        keyList.add(dropObservations ? keys.observationsOf(previous.getId()) : keys.observationsOf(""));
        keyList.addAll(pointing);
        keyList.addAll(stale);
        List<Object> result = WRITE.run(redis, keyList.toArray(String[]::new), read == null ? "" : read,
                next == null ? "" : RegistrationCodec.encode(next), endpoint,
                next == null ? "0" : Long.toString(next.getExpirationTimeStamp(gracePeriodSeconds)),
                Integer.toString(pointing.size()), keys.observationPrefix());
        if (((Long) result.get(0)) == 0) {
            return null;
        }
        List<String> dropped = new ArrayList<>();
        for (Object text : result.subList(1, result.size())) {
            dropped.add((String) text);
        }
        return dropped;
    }

    private Set<String> indexes(Registration registration) {
        Set<String> indexes = new LinkedHashSet<>();
        indexes.add(keys.byRegistrationId(registration.getId()));
        indexes.add(keys.byAddress(registration.getSocketAddress()));
        indexes.add(keys.byIdentity(registration.getClientTransportData().getIdentity()));
        return indexes;
    }

    /** Whether no node holds any registration (every registration has an expiration entry). */
    public boolean isEmpty() {
        return redis.zcard(keys.expirations()) == 0;
    }

    // ----- observations

    @Override
    public Collection<Observation> addObservation(String registrationId, Observation observation,
            boolean addIfAbsent) {
        String id = ObservationCodec.id(observation.getId());
        List<Object> result = ADD_OBSERVATION.run(redis,
                new String[] { keys.byRegistrationId(registrationId), keys.observation(id),
                        keys.observationsOf(registrationId) },
                ObservationCodec.encode(observation), addIfAbsent ? "1" : "0", id);
        if (((Long) result.get(0)) == 0) {
            throw new IllegalStateException(
                    "cannot add observation " + observation + ": there is no registration with id " + registrationId);
        }
        List<Observation> removed = new ArrayList<>();
        if (result.size() > 1) {
            Observation previous = ObservationCodec.decode((String) result.get(1));
            LOG.warn("token collision? observation {} replaced by {}", previous, observation);
            removed.add(previous);
        }
        // One observation per path and registration: the new one cancels the older ones.
        for (Observation other : getObservations(registrationId)) {
            if (samePaths(observation, other) && !observation.getId().equals(other.getId())
                    && removeObservation(registrationId, other.getId()) != null) {
                removed.add(other);
            }
        }
        return removed;
    }

    private static boolean samePaths(Observation a, Observation b) {
        if (a instanceof SingleObservation sa && b instanceof SingleObservation sb) {
            return sa.getPath().equals(sb.getPath());
        }
        if (a instanceof CompositeObservation ca && b instanceof CompositeObservation cb) {
            return ca.getPaths().equals(cb.getPaths());
        }
        return false;
    }

    @Override
    public Observation removeObservation(String registrationId, ObservationIdentifier observationId) {
        String id = ObservationCodec.id(observationId);
        String text = redis.get(keys.observation(id));
        if (text == null) {
            return null;
        }
        Observation observation = ObservationCodec.decode(text);
        if (registrationId != null && !registrationId.equals(observation.getRegistrationId())) {
            return null;
        }
        Long removed = REMOVE_OBSERVATION.run(redis, new String[] { keys.observation(id),
                keys.observationsOf(observation.getRegistrationId()) }, text, id);
        return removed == 1 ? observation : null;
    }

    @Override
    public Observation getObservation(String registrationId, ObservationIdentifier observationId) {
        Observation observation = getObservation(observationId);
        return observation != null && observation.getRegistrationId().equals(registrationId) ? observation : null;
    }

    @Override
    public Observation getObservation(ObservationIdentifier observationId) {
        String text = redis.get(keys.observation(ObservationCodec.id(observationId)));
        return text == null ? null : ObservationCodec.decode(text);
    }

    @Override
    public Collection<Observation> getObservations(String registrationId) {
        Set<String> ids = redis.smembers(keys.observationsOf(registrationId));
        if (ids.isEmpty()) {
            return List.of();
        }
        List<Observation> observations = new ArrayList<>();
        redis.mget(ids.stream().map(keys::observation).toArray(String[]::new))
                .forEach(value -> value.ifHasValue(text -> observations.add(ObservationCodec.decode(text))));
        return observations;
    }

    @Override
    public Collection<Observation> removeObservations(String registrationId) {
        List<Observation> removed = new ArrayList<>();
        for (Observation observation : getObservations(registrationId)) {
            if (removeObservation(registrationId, observation.getId()) != null) {
                removed.add(observation);
            }
        }
        return removed;
    }

    private static List<Observation> observations(List<String> texts) {
        return texts.stream().map(ObservationCodec::decode).toList();
    }

    // ----- expiry

    @Override
    public void setExpirationListener(ExpirationListener listener) {
        this.expirationListener = listener;
    }

    @Override
    public synchronized void start() {
        if (cleaning == null) {
            cleaning = cleaner.scheduleWithFixedDelay(this::removeExpired, cleanPeriodSeconds, cleanPeriodSeconds,
                    TimeUnit.SECONDS);
        }
    }

    @Override
    public synchronized void stop() {
        if (cleaning != null) {
            cleaning.cancel(false);
            cleaning = null;
        }
    }

    @Override
    public synchronized void destroy() {
        stop();
        cleaner.shutdownNow();
    }

    /**
     * Removes the registrations past their expiration time, up to 500 a round; each one is told to the
     * expiration listener of the one node that removed it. Returns how many this node removed.
     */
    public int removeExpired() {
        int removed = 0;
        try {
            List<String> endpoints = redis.zrangebyscore(keys.expirations(),
                    Range.create(Double.NEGATIVE_INFINITY, (double) System.currentTimeMillis()), Limit.create(0, 500));
            for (String endpoint : endpoints) {
                if (removeIfExpired(endpoint)) {
                    removed++;
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("could not remove the expired registrations: {}", e.toString());
        }
        return removed;
    }

    private boolean removeIfExpired(String endpoint) {
        while (true) {
            String text = redis.get(keys.registration(endpoint));
            if (text == null) {
                redis.zrem(keys.expirations(), endpoint); // a leftover: nothing to expire
                return false;
            }
            Registration registration = RegistrationCodec.decode(text);
            if (registration.isAlive(gracePeriodSeconds)) {
                return false; // updated since the sorted set was read
            }
            List<String> dropped = write(text, null, registration);
            if (dropped != null) {
                ExpirationListener listener = expirationListener;
                if (listener != null) {
                    listener.registrationExpired(registration, observations(dropped));
                }
                return true;
            }
        }
    }
}
