package io.github.lwm2mportfolio.client.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The value types of the store check their own rules, so that nothing invalid reaches the file. */
class PortfolioStoreRecordsTest {

    @ParameterizedTest
    @ValueSource(strings = {"3/0", "0/0", "16/65534", "65535/1", "10241/7"})
    void owners_in_canonical_object_slash_instance_form_are_accepted(String owner) {
        assertThat(new StoredInstance(0, owner, false, new TreeMap<>()).owner()).isEqualTo(owner);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "3", "3/", "/0", "3/0/1", "03/0", "3/00", "a/0", " 3/0", "3/-1", "65536/0",
        "3/65535", "123456/0", "\uff13/0"})
    void owners_that_are_not_an_object_instance_are_refused(String owner) {
        assertThatThrownBy(() -> new StoredInstance(0, owner, false, new TreeMap<>()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("owner '" + owner + "'");
    }

    @Test
    void instance_and_identity_ids_must_be_in_0_to_65534() {
        TreeMap<Integer, String> none = new TreeMap<>();
        assertThat(new StoredInstance(65534, "3/0", false, none).id()).isEqualTo(65534);
        assertThatThrownBy(() -> new StoredInstance(-1, "3/0", false, none))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id -1");
        assertThatThrownBy(() -> new StoredInstance(65535, "3/0", false, none))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id 65535");
        assertThatThrownBy(() -> StoredInstance.of(0, "3/0", false, Map.of(65535, "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("identity id 65535");
        assertThatThrownBy(() -> StoredInstance.of(0, "3/0", false, Map.of(-3, "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("identity id -3");
    }

    @Test
    void null_owner_identities_keys_and_values_are_refused() {
        HashMap<Integer, String> nullValue = new HashMap<>();
        nullValue.put(1, null);
        HashMap<Integer, String> nullKey = new HashMap<>();
        nullKey.put(null, "x");
        assertThatThrownBy(() -> new StoredInstance(0, null, false, new TreeMap<>()))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("owner");
        assertThatThrownBy(() -> new StoredInstance(0, "3/0", false, null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("identities");
        assertThatThrownBy(() -> StoredInstance.of(0, "3/0", false, nullValue))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("identity 1 has a null value");
        assertThatThrownBy(() -> StoredInstance.of(0, "3/0", false, nullKey))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null");
    }

    @Test
    void identities_are_an_unmodifiable_copy_in_natural_order_whatever_map_was_given() {
        TreeMap<Integer, String> reversed = new TreeMap<>(Comparator.reverseOrder());
        reversed.put(1, "one");
        reversed.put(20, "twenty");
        reversed.put(3, "three");
        StoredInstance instance = new StoredInstance(0, "3/0", true, reversed);
        reversed.put(4, "four");

        assertThat(instance.identities().keySet()).containsExactly(1, 3, 20);
        assertThat(instance.identities().comparator()).isNull();
        assertThatThrownBy(() -> instance.identities().remove(1)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(instance).isEqualTo(StoredInstance.of(0, "3/0", true, Map.of(1, "one", 3, "three", 20, "twenty")));
    }

    @Test
    void a_state_sorts_its_instances_by_id_and_keeps_its_own_unmodifiable_list() {
        List<StoredInstance> given = new ArrayList<>(List.of(
                StoredInstance.of(5, "3/0", false, Map.of()), StoredInstance.of(1, "3/0", false, Map.of())));
        StoredState state = new StoredState(given, 7);
        given.clear();

        assertThat(state.instances()).extracting(StoredInstance::id).containsExactly(1, 5);
        assertThat(state.instance(5)).isNotNull();
        assertThat(state.instance(2)).isNull();
        assertThatThrownBy(() -> state.instances().add(StoredInstance.of(9, "3/0", false, Map.of())))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void a_state_refuses_duplicate_ids_null_instances_and_a_negative_counter() {
        StoredInstance one = StoredInstance.of(1, "3/0", false, Map.of());
        assertThatThrownBy(() -> new StoredState(List.of(one, StoredInstance.of(1, "3/1", true, Map.of())), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate instance id 1");
        List<StoredInstance> withNull = new ArrayList<>();
        withNull.add(null);
        assertThatThrownBy(() -> new StoredState(withNull, 0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new StoredState(List.of(), -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void the_empty_state_has_no_instances_and_an_unstarted_counter() {
        assertThat(StoredState.empty().instances()).isEmpty();
        assertThat(StoredState.empty().counterHighWater()).isZero();
    }

    @Test
    void a_corrupted_exception_exposes_path_and_reason_separately() {
        Path file = Path.of("/var/lib/client/portfolio.json");
        StoreCorruptedException e = new StoreCorruptedException(file, "instances[2].id: missing");
        assertThat(e).isInstanceOf(StoreException.class);
        assertThat(e.path()).isEqualTo(file);
        assertThat(e.reason()).isEqualTo("instances[2].id: missing");
        assertThat(e.getMessage()).contains(file.toString()).contains("instances[2].id: missing");
    }
}
