package io.github.lwm2mportfolio.server.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.eclipse.leshan.core.LwM2m.LwM2mVersion;
import org.eclipse.leshan.core.LwM2m.Version;
import org.eclipse.leshan.core.endpoint.EndpointUri;
import org.eclipse.leshan.core.link.lwm2m.DefaultLwM2mLinkParser;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.core.observation.ObservationIdentifier;
import org.eclipse.leshan.core.observation.SingleObservation;
import org.eclipse.leshan.core.peer.IpPeer;
import org.eclipse.leshan.core.peer.PskIdentity;
import org.eclipse.leshan.core.request.BindingMode;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.server.registration.Deregistration;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.server.registration.RegistrationUpdate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RedisRegistrationStoreTest {

    private static final EndpointUri SERVER = new EndpointUri("coaps", "127.0.0.1", 5684);

    private TestRedis redis;
    private RedisRegistrationStore nodeA;
    private RedisRegistrationStore nodeB;

    @BeforeEach
    void open() {
        redis = TestRedis.open();
        nodeA = new RedisRegistrationStore(redis.connect("a"), 0, 3600, node -> true);
        nodeB = new RedisRegistrationStore(redis.connect("b"), 0, 3600, node -> true);
    }

    @AfterEach
    void close() {
        if (redis != null) {
            nodeA.destroy();
            nodeB.destroy();
            redis.close();
        }
    }

    @Test
    void aRegistrationMadeOnOneNodeIsReadWholeOnTheOtherByEveryIndex() throws Exception {
        Registration registration = registration("dev-1", "psk-1", 40001, new Date(), 300);

        assertThat(nodeA.addRegistration(registration)).isNull();

        // As node A received it, stamped with node A's name: only that node can send requests to the device.
        Registration stored = cameTo("a", registration);
        assertThat(RedisRegistrationStore.nodeOf(nodeB.getRegistration(registration.getId()))).isEqualTo("a");
        assertThat(nodeB.getRegistration(registration.getId())).isEqualTo(stored);
        assertThat(nodeB.getRegistrationByEndpoint("dev-1")).isEqualTo(stored);
        assertThat(nodeB.getRegistrationByAdress(registration.getSocketAddress())).isEqualTo(stored);
        assertThat(nodeB.getRegistrationByIdentity(new PskIdentity("psk-1"))).isEqualTo(stored);
        assertThat(nodeB.getAllRegistrations()).toIterable().containsExactly(stored);
        assertThat(nodeB.getRegistration("no-such-id")).isNull();
    }

    @Test
    void everyRegistrationIsListedAcrossManyScanPages() throws Exception {
        Set<String> added = new HashSet<>();
        for (int i = 0; i < 1200; i++) {
            Registration registration = registration("dev-" + i, "psk-" + i, 20000 + i, new Date(), 300);
            nodeA.addRegistration(registration);
            added.add(registration.getId());
        }

        Set<String> listed = new HashSet<>();
        nodeB.getAllRegistrations().forEachRemaining(registration -> listed.add(registration.getId()));

        assertThat(listed).isEqualTo(added);
        assertThat(nodeB.isEmpty()).isFalse();
    }

    @Test
    void aNewRegistrationOfTheEndpointReplacesTheOldOneWithItsIndexesAndObservations() throws Exception {
        Registration first = registration("dev-1", "psk-1", 40001, new Date(), 300);
        nodeA.addRegistration(first);
        SingleObservation observation = observation(first, "0a0b", "/16/0");
        assertThat(nodeA.addObservation(first.getId(), observation, false)).isEmpty();
        assertThat(nodeB.getObservations(first.getId())).containsExactly(observation);

        Registration second = registration("dev-1", "psk-1", 40002, new Date(), 300);
        Deregistration replaced = nodeB.addRegistration(second);

        assertThat(replaced.getRegistration()).isEqualTo(cameTo("a", first));
        assertThat(replaced.getObservations()).containsExactly(observation);
        assertThat(nodeA.getRegistration(first.getId())).isNull();
        assertThat(nodeA.getRegistrationByAdress(first.getSocketAddress())).isNull();
        assertThat(nodeA.getRegistrationByAdress(second.getSocketAddress())).isEqualTo(cameTo("b", second));
        assertThat(nodeA.getObservation(observation.getId())).isNull();
        assertThat(nodeA.updateRegistration(update(first, "late", "1"))).isNull();
        assertThat(nodeA.getRegistrationByEndpoint("dev-1")).isEqualTo(cameTo("b", second));
    }

    @Test
    void anObservationNeedsItsRegistrationAndANewOneOnThePathCancelsTheOld() throws Exception {
        Registration registration = registration("dev-1", "psk-1", 40001, new Date(), 300);
        nodeA.addRegistration(registration);
        SingleObservation older = observation(registration, "01", "/16/0");
        SingleObservation newer = observation(registration, "02", "/16/0");
        nodeA.addObservation(registration.getId(), older, false);

        Collection<Observation> cancelled = nodeB.addObservation(registration.getId(), newer, false);

        assertThat(cancelled).containsExactly(older);
        assertThat(nodeA.getObservations(registration.getId())).containsExactly(newer);
        assertThat(nodeA.getObservation("other-id", newer.getId())).isNull();
        assertThatThrownBy(() -> nodeA.addObservation("gone", observation(registration, "03", "/3"), false))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no registration with id gone");
        assertThat(nodeB.removeObservations(registration.getId())).containsExactly(newer);
    }

    @Test
    void expiredRegistrationsAreRemovedOnceAndToldToOneNodeOnly() throws Exception {
        Date longAgo = new Date(System.currentTimeMillis() - 120_000);
        Registration expired = registration("old", "psk-old", 40001, longAgo, 60);
        Registration alive = registration("new", "psk-new", 40002, new Date(), 300);
        nodeA.addRegistration(expired);
        nodeA.addRegistration(alive);
        List<String> told = new CopyOnWriteArrayList<>();
        nodeA.setExpirationListener((registration, observations) -> told.add("a:" + registration.getEndpoint()));
        nodeB.setExpirationListener((registration, observations) -> told.add("b:" + registration.getEndpoint()));

        ExecutorService both = Executors.newFixedThreadPool(2);
        Future<Integer> a = both.submit(nodeA::removeExpired);
        Future<Integer> b = both.submit(nodeB::removeExpired);
        int removed = a.get(10, TimeUnit.SECONDS) + b.get(10, TimeUnit.SECONDS);
        both.shutdown();

        assertThat(removed).isEqualTo(1);
        assertThat(told).hasSize(1).allMatch(line -> line.endsWith(":old"));
        assertThat(nodeB.getRegistrationByEndpoint("old")).isNull();
        assertThat(nodeB.getRegistrationByIdentity(new PskIdentity("psk-old"))).isNull();
        assertThat(nodeB.getRegistrationByEndpoint("new")).isEqualTo(cameTo("a", alive));
    }

    /**
     * An update reaching node C for a registration that came to node A, which is dead: the registration is removed
     * (told once, as expired, with its observations) and the update refused (null: Leshan answers 4.04) so that
     * the device registers again on a live node. While A is alive, C updates it as any node does.
     */
    @Test
    void anUpdateOfADeadNodesRegistrationRemovesItSoThatTheDeviceRegistersAgain() throws Exception {
        Set<String> alive = ConcurrentHashMap.newKeySet();
        alive.add("a");
        RedisRegistrationStore nodeC = new RedisRegistrationStore(redis.connect("c"), 0, 3600, alive::contains);
        try {
            Registration registration = registration("dev-1", "psk-1", 40001, new Date(), 300);
            nodeA.addRegistration(registration);
            SingleObservation observation = observation(registration, "0a0b", "/16/0");
            nodeA.addObservation(registration.getId(), observation, false);
            List<String> told = new CopyOnWriteArrayList<>();
            nodeC.setExpirationListener((expired, observations) -> told.add(expired.getEndpoint() + " "
                    + observations.size()));

            assertThat(nodeC.updateRegistration(update(registration, "purpose", "while a lives"))).isNotNull();
            assertThat(RedisRegistrationStore.nodeOf(nodeC.getRegistrationByEndpoint("dev-1"))).isEqualTo("a");

            alive.remove("a");
            assertThat(nodeC.updateRegistration(update(registration, "purpose", "after a died"))).isNull();

            assertThat(told).containsExactly("dev-1 1");
            assertThat(nodeB.getRegistrationByEndpoint("dev-1")).isNull();
            assertThat(nodeB.getRegistrationByIdentity(new PskIdentity("psk-1"))).isNull();
            assertThat(nodeB.getObservation(observation.getId())).isNull();
            assertThat(nodeB.isEmpty()).isTrue();
            // Its registration again, now on node C, is updated by C whoever else is alive.
            Registration again = registration("dev-1", "psk-1", 40002, new Date(), 300);
            assertThat(nodeC.addRegistration(again)).isNull();
            assertThat(nodeC.updateRegistration(update(again, "purpose", "on c"))).isNotNull();
            assertThat(RedisRegistrationStore.nodeOf(nodeB.getRegistrationByEndpoint("dev-1"))).isEqualTo("c");
        } finally {
            nodeC.destroy();
        }
    }

    private static Registration cameTo(String node, Registration registration) {
        Map<String, String> data = new HashMap<>(registration.getCustomRegistrationData());
        data.put(RedisRegistrationStore.NODE_DATA, node);
        return new Registration.Builder(registration).customRegistrationData(data).build();
    }

    /**
     * Two nodes update the same registrations from many threads while one of them deregisters some and registers
     * others again: no successful update is lost, and nothing deregistered or replaced comes back.
     */
    @Test
    void concurrentUpdatesFromTwoNodesNeitherLoseNorResurrectARegistration() throws Exception {
        int devices = 20;
        int threads = 8;
        int updatesPerThread = 40;
        List<Registration> registrations = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            Registration registration = registration("dev-" + i, "psk-" + i, 41000 + i, new Date(), 300);
            nodeA.addRegistration(registration);
            registrations.add(registration);
        }
        // Per device, the attributes of the updates that said they succeeded.
        Map<String, Set<String>> applied = new ConcurrentHashMap<>();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            work.add(pool.submit(() -> {
                go.await();
                for (int u = 0; u < updatesPerThread; u++) {
                    Registration target = registrations.get((thread + u) % devices);
                    String attribute = "t" + thread + "u" + u;
                    RedisRegistrationStore node = u % 2 == 0 ? nodeA : nodeB;
                    if (node.updateRegistration(update(target, attribute, "1")) != null) {
                        applied.computeIfAbsent(target.getId(), id -> ConcurrentHashMap.newKeySet()).add(attribute);
                    }
                }
                return null;
            }));
        }
        // Meanwhile node B deregisters the even devices and registers the devices divisible by 3 again.
        Map<String, Registration> reRegistered = new ConcurrentHashMap<>();
        work.add(pool.submit(() -> {
            go.await();
            for (int i = 0; i < devices; i++) {
                if (i % 2 == 0) {
                    assertThat(nodeB.removeRegistration(registrations.get(i).getId())).isNotNull();
                } else if (i % 3 == 0) {
                    Registration again = registration("dev-" + i, "psk-" + i, 42000 + i, new Date(), 300);
                    assertThat(nodeB.addRegistration(again).getRegistration().getId())
                            .isEqualTo(registrations.get(i).getId());
                    reRegistered.put(again.getEndpoint(), again);
                }
            }
            return null;
        }));
        go.countDown();
        for (Future<?> future : work) {
            future.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        for (int i = 0; i < devices; i++) {
            Registration original = registrations.get(i);
            Registration stored = nodeA.getRegistrationByEndpoint(original.getEndpoint());
            if (i % 2 == 0) {
                assertThat(stored).as("deregistered dev-%d", i).isNull();
                assertThat(nodeA.getRegistration(original.getId())).isNull();
            } else if (i % 3 == 0) {
                // The new registration carries none of the old one's updates.
                assertThat(stored.getId()).isEqualTo(reRegistered.get(original.getEndpoint()).getId());
                assertThat(stored.getAdditionalRegistrationAttributes()).isEmpty();
                assertThat(nodeA.getRegistration(original.getId())).isNull();
            } else {
                assertThat(stored.getId()).isEqualTo(original.getId());
                assertThat(stored.getAdditionalRegistrationAttributes().keySet())
                        .as("every update that succeeded on dev-%d", i)
                        .containsExactlyInAnyOrderElementsOf(applied.getOrDefault(original.getId(), Set.of()));
            }
        }
        assertThat(applied).isNotEmpty();
        // Only the registrations alive are left, with nothing dangling beside them.
        int alive = devices / 2;
        assertThat(redis.keys()).filteredOn(key -> key.contains(":reg:ep:")).hasSize(alive);
        assertThat(redis.keys()).filteredOn(key -> key.contains(":reg:id:")).hasSize(alive);
        assertThat(redis.keys()).filteredOn(key -> key.contains(":reg:addr:")).hasSize(alive);
        assertThat(redis.keys()).filteredOn(key -> key.contains(":reg:identity:")).hasSize(alive);
    }

    private static Registration registration(String endpoint, String pskId, int port, Date lastUpdate,
            long lifetime) throws Exception {
        IpPeer peer = new IpPeer(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                new PskIdentity(pskId));
        return new Registration.Builder(UUID.randomUUID().toString(), endpoint, peer, SERVER)
                .registrationDate(lastUpdate).lastUpdate(lastUpdate).lifeTimeInSec(lifetime)
                .lwM2mVersion(LwM2mVersion.V1_1).bindingMode(EnumSet.of(BindingMode.U)).queueMode(false)
                .objectLinks(new DefaultLwM2mLinkParser().parseCoreLinkFormat(
                        "</>;rt=\"oma.lwm2m\";ct=110,</1>;ver=1.1,</1/0>,</3/0>,</16>;ver=1.0,</16/0>"
                                .getBytes(StandardCharsets.UTF_8)))
                .rootPath("/").supportedContentFormats(ContentFormat.SENML_JSON, ContentFormat.TLV)
                .supportedObjects(Map.of(1, new Version("1.1"), 3, new Version("1.0"), 16, new Version("1.0")))
                .availableInstances(Set.of(new LwM2mPath(1, 0), new LwM2mPath(3, 0), new LwM2mPath(16, 0)))
                .customRegistrationData(Map.of("node", "a")).build();
    }

    private static RegistrationUpdate update(Registration registration, String attribute, String value) {
        return new RegistrationUpdate(registration.getId(), registration.getClientTransportData(), null, null, null, null, null, null, null, null,
                Map.of(attribute, value), Map.of());
    }

    private static SingleObservation observation(Registration registration, String token, String path) {
        return new SingleObservation(
                new ObservationIdentifier(SERVER, HexFormat.of().parseHex(token)), registration.getId(),
                new LwM2mPath(path), ContentFormat.SENML_CBOR, Map.of("purpose", "test"), Map.of("token", token));
    }
}
