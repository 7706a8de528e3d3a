package io.github.lwm2mportfolio.client.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PortfolioStoreTest {

    @TempDir
    Path dir;

    private static final String VALID = """
            {
              "format": "lwm2m-portfolio-store",
              "version": 1,
              "counterHighWater": 300,
              "instances": [
                {"id": 0, "owner": "3/0", "locked": true, "identities": {"0": "a", "1": "b"}},
                {"id": 7, "owner": "33/2", "locked": false, "identities": {}}
              ]
            }
            """;

    // ---- saving and reloading ----------------------------------------------------------------

    @Test
    void an_in_memory_store_writes_nothing_and_its_counters_rise_from_one_store_to_the_next() throws Exception {
        long firstOfEarlierRun;
        try (PortfolioStore earlier = PortfolioStore.inMemory()) {
            firstOfEarlierRun = earlier.nextCounter();
            earlier.saveInstances(List.of(new StoredInstance(0, "3/0", true, new TreeMap<>(Map.of(0, "HOST-1")))));
            assertThat(earlier.state().instances()).hasSize(1);
            assertThat(earlier.nextCounter()).isGreaterThan(firstOfEarlierRun);
            assertThat(earlier.file()).isNull();
        }
        Thread.sleep(2); // a restart takes longer than a millisecond
        try (PortfolioStore later = PortfolioStore.inMemory()) {
            assertThat(later.state().instances()).isEmpty();
            assertThat(later.nextCounter()).isGreaterThan(firstOfEarlierRun + 1);
        }
    }

    @Test
    void a_missing_directory_is_created_and_starts_empty() throws Exception {
        Path storeDir = dir.resolve("a/b/store");
        try (PortfolioStore store = PortfolioStore.open(storeDir)) {
            assertThat(Files.isDirectory(storeDir)).isTrue();
            assertThat(store.state()).isEqualTo(StoredState.empty());
            assertThat(store.file()).isEqualTo(storeDir.toAbsolutePath().resolve(PortfolioStore.FILE_NAME));
            // Nothing is written until something is saved.
            assertThat(Files.exists(store.file())).isFalse();
        }
    }

    @Test
    void restart_keeps_instances_locks_and_identities() throws Exception {
        List<StoredInstance> saved = List.of(
                instance(0, "3/0", true, Map.of(0, "device-a", 1, "device-b", 5, "device-c")),
                instance(4, "33/1", false, Map.of(2, "user \"quoted\" \u00e9\u4e2d\n", 65534, "")),
                instance(65534, "65535/65534", true, Map.of()));
        try (PortfolioStore store = PortfolioStore.open(dir)) {
            store.saveInstances(saved);
            assertThat(store.state().instances()).isEqualTo(saved);
        }
        try (PortfolioStore store = PortfolioStore.open(dir)) {
            assertThat(store.state().instances()).isEqualTo(saved);
            StoredInstance second = store.state().instance(4);
            assertThat(second.locked()).isFalse();
            assertThat(second.owner()).isEqualTo("33/1");
            assertThat(second.identities()).containsExactly(
                    Map.entry(2, "user \"quoted\" \u00e9\u4e2d\n"), Map.entry(65534, ""));
        }
    }

    @Test
    void instances_come_back_sorted_by_id() throws Exception {
        try (PortfolioStore store = PortfolioStore.open(dir)) {
            store.saveInstances(List.of(instance(9, "3/0", false, Map.of()), instance(2, "3/0", false, Map.of()),
                    instance(5, "3/0", false, Map.of())));
        }
        try (PortfolioStore store = PortfolioStore.open(dir)) {
            assertThat(store.state().instances()).extracting(StoredInstance::id).containsExactly(2, 5, 9);
        }
    }

    @Test
    void changing_a_map_after_saving_does_not_change_the_store() throws Exception {
        TreeMap<Integer, String> shared = new TreeMap<>(Map.of(0, "first"));
        try (PortfolioStore store = PortfolioStore.open(dir)) {
            // Both instances built from the same map: each must keep its own copy.
            List<StoredInstance> instances = new ArrayList<>(List.of(
                    new StoredInstance(0, "3/0", false, shared), new StoredInstance(1, "3/0", false, shared)));
            store.saveInstances(instances);
            shared.put(1, "added later");
            shared.put(0, "changed later");
            instances.clear();

            assertThat(store.state().instances()).hasSize(2).allSatisfy(i ->
                    assertThat(i.identities()).containsExactly(Map.entry(0, "first")));
            assertThat(store.state().instance(0).identities())
                    .isNotSameAs(store.state().instance(1).identities());
            assertThatThrownBy(() -> store.state().instance(0).identities().put(2, "x"))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> store.state().instances().clear())
                    .isInstanceOf(UnsupportedOperationException.class);
        }
        try (PortfolioStore store = PortfolioStore.open(dir)) {
            assertThat(store.state().instances()).allSatisfy(i ->
                    assertThat(i.identities()).containsExactly(Map.entry(0, "first")));
        }
    }

    @Test
    void saving_replaces_all_instances_and_keeps_the_counter() throws Exception {
        try (PortfolioStore store = PortfolioStore.open(dir)) {
            store.saveInstances(List.of(instance(0, "3/0", true, Map.of(0, "a")), instance(1, "3/0", true, Map.of())));
            long counter = store.nextCounter();
            long highWater = store.state().counterHighWater();
            store.saveInstances(List.of(instance(3, "3/0", false, Map.of(1, "b"))));

            assertThat(store.state().instances()).containsExactly(instance(3, "3/0", false, Map.of(1, "b")));
            assertThat(store.state().counterHighWater()).isEqualTo(highWater);
            assertThat(store.nextCounter()).isEqualTo(counter + 1);
            store.saveInstances(List.of());
            assertThat(store.state().instances()).isEmpty();
        }
        try (PortfolioStore store = PortfolioStore.open(dir)) {
            assertThat(store.state().instances()).isEmpty();
            assertThat(store.state().counterHighWater()).isEqualTo(PortfolioStore.DEFAULT_BLOCK_SIZE);
        }
    }

    @Test
    void the_file_is_readable_json_naming_its_format_and_version() throws Exception {
        try (PortfolioStore store = PortfolioStore.open(dir)) {
            store.saveInstances(List.of(instance(0, "3/0", true, Map.of(0, "x", 10, "y", 2, "z"))));
            store.nextCounter();
        }
        String text = Files.readString(dir.resolve(PortfolioStore.FILE_NAME));
        assertThat(text).contains("\n  ").endsWith("}\n");
        JsonNode root = new ObjectMapper().readTree(text);
        assertThat(root.get("format").asText()).isEqualTo("lwm2m-portfolio-store");
        assertThat(root.get("version").asInt()).isEqualTo(1);
        assertThat(root.get("counterHighWater").asLong()).isEqualTo(100);
        JsonNode first = root.get("instances").get(0);
        assertThat(first.get("id").asInt()).isZero();
        assertThat(first.get("owner").asText()).isEqualTo("3/0");
        assertThat(first.get("locked").asBoolean()).isTrue();
        List<String> keys = new ArrayList<>();
        first.get("identities").fieldNames().forEachRemaining(keys::add);
        assertThat(keys).as("identity ids in numeric order").containsExactly("0", "2", "10");
        assertThat(first.get("identities").get("10").asText()).isEqualTo("y");
    }

    @Test
    void the_file_is_readable_by_its_owner_only_where_the_file_system_has_posix_modes() throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        try (PortfolioStore store = PortfolioStore.open(dir)) {
            store.saveInstances(List.of(instance(0, "3/0", true, Map.of(0, "x"))));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file())))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void a_hand_written_file_loads_and_unknown_fields_are_ignored() throws Exception {
        String withExtras = """
                {"format": "lwm2m-portfolio-store", "version": 1, "counterHighWater": 300, "comment": "x",
                 "future": {"a": [1, 2]},
                 "instances": [{"id": 7, "owner": "33/2", "locked": false, "identities": {"3": "c"},
                                "label": "added by a later version"}]}
                """;
        Files.writeString(dir.resolve(PortfolioStore.FILE_NAME), withExtras);
        try (PortfolioStore store = PortfolioStore.open(dir)) {
            assertThat(store.state().instances()).containsExactly(instance(7, "33/2", false, Map.of(3, "c")));
            assertThat(store.state().counterHighWater()).isEqualTo(300);
            assertThat(store.nextCounter()).isEqualTo(301);
        }
    }

    @Test
    void a_byte_order_mark_added_by_an_editor_is_accepted() throws Exception {
        Files.writeString(dir.resolve(PortfolioStore.FILE_NAME), "\uFEFF" + VALID);
        try (PortfolioStore store = PortfolioStore.open(dir)) {
            assertThat(store.state().instances()).hasSize(2);
        }
    }

    @Test
    void saving_two_instances_with_the_same_id_is_refused_and_changes_nothing() throws Exception {
        try (PortfolioStore store = PortfolioStore.open(dir)) {
            store.saveInstances(List.of(instance(1, "3/0", false, Map.of(0, "kept"))));
            byte[] before = Files.readAllBytes(store.file());
            assertThatThrownBy(() -> store.saveInstances(List.of(
                    instance(2, "3/0", false, Map.of()), instance(2, "3/0", true, Map.of()))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("duplicate instance id 2");
            assertThat(store.state().instances()).containsExactly(instance(1, "3/0", false, Map.of(0, "kept")));
            assertThat(Files.readAllBytes(store.file())).isEqualTo(before);
        }
    }

    // ---- counter ------------------------------------------------------------------------------

    @Test
    void counter_strictly_increases_within_a_process() throws Exception {
        try (PortfolioStore store = PortfolioStore.open(dir)) {
            long previous = 0;
            for (int i = 0; i < 1000; i++) {
                long value = store.nextCounter();
                assertThat(value).isGreaterThan(previous);
                previous = value;
            }
        }
    }

    @Test
    void counter_continues_above_every_value_returned_before_a_restart() throws Exception {
        long last;
        try (PortfolioStore store = PortfolioStore.open(dir)) {
            assertThat(store.nextCounter()).isEqualTo(1);
            last = store.nextCounter();
        }
        try (PortfolioStore store = PortfolioStore.open(dir)) {
            long first = store.nextCounter();
            // The rest of the reserved block is skipped, never reused.
            assertThat(first).isGreaterThan(last).isEqualTo(PortfolioStore.DEFAULT_BLOCK_SIZE + 1);
        }
    }

    @Test
    void counter_never_repeats_over_many_reopen_cycles() throws Exception {
        List<Long> values = new ArrayList<>();
        for (int cycle = 0; cycle < 60; cycle++) {
            // Mixed block sizes: a restart with a different configuration must not go back either.
            try (PortfolioStore store = PortfolioStore.open(dir, 1 + cycle % 4)) {
                for (int i = 0; i < cycle % 7; i++) {
                    values.add(store.nextCounter());
                }
                if (cycle % 5 == 0) {
                    store.saveInstances(List.of(instance(cycle, "3/0", false, Map.of(0, "c" + cycle))));
                }
            }
        }
        assertThat(values).isNotEmpty().isSorted().doesNotHaveDuplicates();
    }

    @Test
    void counter_reserves_its_block_on_disk_before_handing_out_a_value_from_it() throws Exception {
        try (PortfolioStore store = PortfolioStore.open(dir, 10)) {
            for (long expected = 1; expected <= 25; expected++) {
                long value = store.nextCounter();
                assertThat(value).isEqualTo(expected);
                long onDisk = new ObjectMapper().readTree(store.file().toFile()).get("counterHighWater").asLong();
                assertThat(onDisk).as("high-water on disk after handing out %d", value).isGreaterThanOrEqualTo(value);
                // One write per block: the mark moves only when a block runs out.
                assertThat(onDisk).isEqualTo((value + 9) / 10 * 10);
                assertThat(store.state().counterHighWater()).isEqualTo(onDisk);
            }
        }
    }

    @Test
    void a_failed_counter_reservation_uses_up_no_value() throws Exception {
        try (PortfolioStore store = PortfolioStore.open(dir, 2)) {
            assertThat(store.nextCounter()).isEqualTo(1);
            assertThat(store.nextCounter()).isEqualTo(2);
            Path blocker = blockWrites();
            assertThatThrownBy(store::nextCounter).isInstanceOf(StoreException.class)
                    .hasMessageContaining(PortfolioStore.TEMP_NAME);
            assertThat(store.state().counterHighWater()).isEqualTo(2);
            unblock(blocker);
            assertThat(store.nextCounter()).isEqualTo(3);
        }
    }

    @Test
    void the_counter_stops_with_an_error_at_its_maximum_instead_of_wrapping() throws Exception {
        Files.writeString(dir.resolve(PortfolioStore.FILE_NAME), VALID.replace("300", Long.toString(Long.MAX_VALUE - 2)));
        try (PortfolioStore store = PortfolioStore.open(dir)) {
            assertThat(store.nextCounter()).isEqualTo(Long.MAX_VALUE - 1);
            assertThat(store.nextCounter()).isEqualTo(Long.MAX_VALUE);
            assertThatThrownBy(store::nextCounter).isInstanceOf(StoreException.class).hasMessageContaining("exhausted");
        }
    }

    // ---- failures -----------------------------------------------------------------------------

    @Test
    void a_failed_write_keeps_the_previous_state_in_memory_and_on_disk() throws Exception {
        List<StoredInstance> good = List.of(instance(0, "3/0", true, Map.of(0, "good")));
        try (PortfolioStore store = PortfolioStore.open(dir)) {
            store.saveInstances(good);
            byte[] before = Files.readAllBytes(store.file());
            Path blocker = blockWrites();

            StoreException e = catchThrowableOfType(StoreException.class,
                    () -> store.saveInstances(List.of(instance(1, "3/0", false, Map.of(0, "lost")))));
            assertThat(e).hasMessageContaining(dir.toString()).hasMessageContaining("cannot write");
            assertThat(store.state().instances()).isEqualTo(good);
            assertThat(Files.readAllBytes(store.file())).isEqualTo(before);

            unblock(blocker);
            store.saveInstances(List.of(instance(2, "3/0", false, Map.of())));
            assertThat(store.state().instances()).extracting(StoredInstance::id).containsExactly(2);
        }
    }

    @Test
    void a_leftover_temp_file_is_removed_and_the_last_good_state_loads() throws Exception {
        List<StoredInstance> good = List.of(instance(3, "3/0", true, Map.of(0, "good")));
        try (PortfolioStore store = PortfolioStore.open(dir)) {
            store.saveInstances(good);
        }
        // What a crash between writing the temp file and renaming it leaves behind.
        Path temp = dir.resolve(PortfolioStore.TEMP_NAME);
        Files.writeString(temp, "{\"format\": \"lwm2m-portfolio-store\", \"version\": 1, \"counterHig");
        try (PortfolioStore store = PortfolioStore.open(dir)) {
            assertThat(Files.exists(temp)).isFalse();
            assertThat(store.state().instances()).isEqualTo(good);
        }
    }

    @Test
    void a_second_open_of_the_same_directory_is_refused_while_the_first_is_open() throws Exception {
        try (PortfolioStore first = PortfolioStore.open(dir)) {
            first.saveInstances(List.of(instance(0, "3/0", false, Map.of())));
            assertThatThrownBy(() -> PortfolioStore.open(dir))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("store in use by another process: " + dir.toAbsolutePath());
            // The refused open must not disturb the holder.
            first.saveInstances(List.of(instance(1, "3/0", false, Map.of())));
        }
        try (PortfolioStore again = PortfolioStore.open(dir)) {
            assertThat(again.state().instances()).extracting(StoredInstance::id).containsExactly(1);
        }
    }

    @Test
    void a_closed_store_refuses_to_save_and_close_can_be_called_twice() throws Exception {
        PortfolioStore store = PortfolioStore.open(dir);
        store.close();
        store.close();
        assertThatThrownBy(() -> store.saveInstances(List.of())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(store::nextCounter).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void a_store_path_that_is_a_regular_file_is_reported_with_its_path() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        assertThatThrownBy(() -> PortfolioStore.open(notADirectory))
                .isInstanceOf(StoreException.class)
                .isNotInstanceOf(StoreCorruptedException.class)
                .hasMessageContaining("cannot create store directory " + notADirectory.toAbsolutePath());
    }

    @Test
    void a_block_size_below_one_is_refused() {
        assertThatThrownBy(() -> PortfolioStore.open(dir, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    static Stream<Arguments> corruptFiles() {
        return Stream.of(
                Arguments.of("truncated", VALID.substring(0, VALID.indexOf("\"owner\": \"33")),
                        "not valid JSON: Unexpected end-of-input"),
                Arguments.of("empty", "", "the file is empty"),
                Arguments.of("blank", "  \n", "only whitespace"),
                Arguments.of("garbage bytes", "\u0000\u0013garbage", "not valid JSON"),
                Arguments.of("stray closing brace", VALID + "}", "not valid JSON: Unexpected close marker '}'"),
                Arguments.of("text after the object", VALID + "{}",
                        "not valid JSON: unexpected content after the end of the top-level value at line 10"),
                Arguments.of("top-level array", "[1, 2]", "top level: expected a JSON object, found an array"),
                Arguments.of("other JSON", "{\"name\": \"something else\"}", "format: missing"),
                Arguments.of("wrong format", VALID.replace("lwm2m-portfolio-store", "other"),
                        "format: expected \"lwm2m-portfolio-store\", found the string \"other\""),
                Arguments.of("newer version", VALID.replace("\"version\": 1", "\"version\": 2"),
                        "version: 2 is not supported"),
                Arguments.of("version as string", VALID.replace("\"version\": 1", "\"version\": \"1\""),
                        "version: expected an integer, found the string \"1\""),
                Arguments.of("missing counter", VALID.replace("\"counterHighWater\": 300,", ""),
                        "counterHighWater: missing"),
                Arguments.of("negative counter", VALID.replace("300", "-1"), "counterHighWater: -1 is negative"),
                Arguments.of("fractional counter", VALID.replace("300", "3.5"),
                        "counterHighWater: expected an integer, found the number 3.5"),
                Arguments.of("huge counter", VALID.replace("300", "99999999999999999999"),
                        "counterHighWater: 99999999999999999999 is out of range"),
                Arguments.of("instances not an array", VALID.replaceFirst("(?s)\\[.*\\]", "{}"),
                        "instances: expected an array, found an object"),
                Arguments.of("instance not an object", VALID.replaceFirst("(?s)\\[.*\\]", "[{\"id\":1,\"owner\":\"3/0\","
                        + "\"locked\":true,\"identities\":{}}, 5]"), "instances[1]: expected an object, found the number 5"),
                Arguments.of("id out of range", VALID.replace("\"id\": 7", "\"id\": 65535"),
                        "instances[1].id: 65535 is out of range 0..65534"),
                Arguments.of("id missing", VALID.replace("\"id\": 7,", ""), "instances[1].id: missing"),
                Arguments.of("duplicate ids", VALID.replace("\"id\": 7", "\"id\": 0"),
                        "instances[1].id: 0 is already used by instances[0]"),
                Arguments.of("duplicate key", VALID.replace("\"id\": 7,", "\"id\": 7, \"id\": 8,"),
                        "Duplicate field 'id'"),
                Arguments.of("bad owner", VALID.replace("33/2", "33-2"),
                        "instances[1]: owner '33-2' is not of the form objectId/instanceId"),
                Arguments.of("owner not a string", VALID.replace("\"33/2\"", "33"),
                        "instances[1].owner: expected a string, found the number 33"),
                Arguments.of("locked not a boolean", VALID.replace("\"locked\": true", "\"locked\": \"yes\""),
                        "instances[0].locked: expected true or false, found the string \"yes\""),
                Arguments.of("identities not an object", VALID.replace("\"identities\": {}", "\"identities\": []"),
                        "instances[1].identities: expected an object, found an array"),
                Arguments.of("identity key not a number", VALID.replace("\"1\": \"b\"", "\"x\": \"b\""),
                        "instances[0].identities: key 'x' is not an Identity instance id"),
                Arguments.of("identity key out of range", VALID.replace("\"1\": \"b\"", "\"65535\": \"b\""),
                        "instances[0].identities: key '65535' is not an Identity instance id"),
                Arguments.of("identity key with leading zero", VALID.replace("\"1\": \"b\"", "\"01\": \"b\""),
                        "instances[0].identities: key '01' is not an Identity instance id"),
                Arguments.of("identity value not a string", VALID.replace("\"1\": \"b\"", "\"1\": null"),
                        "instances[0].identities.1: expected a string, found null"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corruptFiles")
    void a_corrupt_file_is_reported_with_its_path_and_reason_and_left_untouched(
            String description, String content, String expectedReason) throws Exception {
        assertCorruptFileIsRefused(content.getBytes(StandardCharsets.UTF_8), expectedReason);
    }

    @Test
    void a_file_of_binary_garbage_is_reported_as_not_text() throws Exception {
        byte[] garbage = {0x7b, (byte) 0xff, (byte) 0xfe, 0x00, 0x12, (byte) 0x80, 0x41};
        assertCorruptFileIsRefused(garbage, "not UTF-8 text: invalid byte sequence at byte offset 1");
    }

    @Test
    void a_store_file_cut_anywhere_is_refused_rather_than_half_loaded() throws Exception {
        try (PortfolioStore store = PortfolioStore.open(dir)) {
            store.saveInstances(List.of(instance(0, "3/0", true, Map.of(0, "a", 1, "b")),
                    instance(1, "3/1", false, Map.of(0, "c"))));
            store.nextCounter();
        }
        byte[] whole = Files.readAllBytes(dir.resolve(PortfolioStore.FILE_NAME));
        // The trailing "}\n" is what makes the text complete; any shorter prefix is a torn write.
        for (int length = 1; length < whole.length - 1; length += 3) {
            byte[] cut = java.util.Arrays.copyOf(whole, length);
            assertCorruptFileIsRefused(cut, "");
        }
    }

    private void assertCorruptFileIsRefused(byte[] content, String expectedReason) throws Exception {
        Path file = dir.resolve(PortfolioStore.FILE_NAME);
        Files.write(file, content);

        StoreCorruptedException e = catchThrowableOfType(StoreCorruptedException.class, () -> PortfolioStore.open(dir));

        assertThat(e).as("open of %s", new String(content, StandardCharsets.UTF_8)).isNotNull();
        assertThat(e.path()).isEqualTo(file.toAbsolutePath());
        assertThat(e.reason()).contains(expectedReason);
        assertThat(e.getMessage()).contains(file.toAbsolutePath().toString()).contains(e.reason());
        assertThat(Files.readAllBytes(file)).as("corrupt file untouched").isEqualTo(content);
        assertThat(Files.exists(dir.resolve(PortfolioStore.TEMP_NAME))).isFalse();

        // A refused open must not keep the lock: once repaired, the store opens.
        Files.writeString(file, VALID);
        try (PortfolioStore store = PortfolioStore.open(dir)) {
            assertThat(store.state().instances()).hasSize(2);
        }
    }

    // ---- threads ------------------------------------------------------------------------------

    @Test
    void saves_and_counters_from_many_threads_stay_consistent() throws Exception {
        int threads = 6;
        int rounds = 40;
        ConcurrentLinkedQueue<Long> counters = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        PortfolioStore store = PortfolioStore.open(dir, 5);
        StoredState inMemory;
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit((Callable<Void>) () -> {
                    start.await();
                    for (int r = 0; r < rounds; r++) {
                        if (thread % 2 == 0) {
                            store.saveInstances(List.of(instance(thread, "3/0", false, Map.of(0, "t" + thread + "r" + r))));
                        }
                        counters.add(store.nextCounter());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertThat(counters).hasSize(threads * rounds).doesNotHaveDuplicates();
            assertThat(Collections.max(counters)).isLessThanOrEqualTo(store.state().counterHighWater());
            inMemory = store.state();
        } finally {
            pool.shutdownNow();
            store.close();
        }
        try (PortfolioStore reopened = PortfolioStore.open(dir)) {
            assertThat(reopened.state()).isEqualTo(inMemory);
            assertThat(inMemory.instances()).singleElement()
                    .satisfies(i -> assertThat(i.identities().get(0)).endsWith("r" + (rounds - 1)));
            assertThat(reopened.nextCounter()).isGreaterThan(Collections.max(counters));
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static StoredInstance instance(int id, String owner, boolean locked, Map<Integer, String> identities) {
        return StoredInstance.of(id, owner, locked, identities);
    }

    /** A non-empty directory where the temp file goes makes the next write fail, even for root. */
    private Path blockWrites() throws IOException {
        Path blocker = dir.resolve(PortfolioStore.TEMP_NAME);
        Files.createDirectory(blocker);
        Files.writeString(blocker.resolve("keep"), "x");
        return blocker;
    }

    private static void unblock(Path blocker) throws IOException {
        Files.delete(blocker.resolve("keep"));
        Files.delete(blocker);
    }
}
