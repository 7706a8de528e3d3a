package io.github.lwm2mportfolio.server.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The order in which the collector's workers are served (issue 11). */
class CollectionQueueTest {

    private final CollectionQueue queue = new CollectionQueue(4);

    /** Takes {@code count} collections, ending each at once, and names their endpoints in order. */
    private List<String> takeEnding(int count) throws InterruptedException {
        List<String> taken = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            CollectionQueue.Work work = queue.take();
            taken.add(work.endpoint());
            queue.done(work.endpoint());
        }
        return taken;
    }

    @Test
    void strangers_take_turns_by_source_address_in_arrival_order_within_one() throws Exception {
        for (int i = 0; i < 5; i++) {
            queue.offer("flood-" + i, 1, false, "10.0.0.1");
        }
        queue.offer("new-a", 1, false, "10.0.0.2");
        queue.offer("new-b", 1, false, "10.0.0.2");
        queue.offer("other", 1, false, "10.0.0.3");

        assertThat(takeEnding(8)).containsExactly("flood-0", "new-a", "other", "flood-1", "new-b", "flood-2",
                "flood-3", "flood-4");
        assertThat(queue.waiting()).isZero();
    }

    @Test
    void a_stranger_from_a_new_address_waits_for_one_flood_collection_per_worker_not_for_the_flood() throws Exception {
        for (int i = 0; i < 1000; i++) {
            queue.offer("flood-" + i, 1, false, "127.0.0.1");
        }
        CollectionQueue.Work busy1 = queue.take();
        CollectionQueue.Work busy2 = queue.take(); // two workers held by unanswered fakes
        queue.offer("real", 1, false, "127.0.0.2");

        queue.done(busy1.endpoint());
        CollectionQueue.Work busy3 = queue.take();
        queue.done(busy2.endpoint());
        assertThat(List.of(busy1.endpoint(), busy2.endpoint(), busy3.endpoint()))
                .containsExactly("flood-0", "flood-1", "flood-2");
        assertThat(queue.take().endpoint()).isEqualTo("real");
        assertThat(queue.waiting()).isEqualTo(997);
    }

    @Test
    void established_devices_and_on_demand_work_still_come_first() throws Exception {
        queue.offer("stranger", 1, false, "10.0.0.1");
        queue.offer("known", 1, true, "10.0.0.1");
        Runnable task = () -> { };
        assertThat(queue.offerOnDemand(task)).isTrue();

        assertThat(queue.take().task()).isSameAs(task);
        assertThat(takeEnding(2)).containsExactly("known", "stranger");
    }

    @Test
    void an_endpoint_waits_once_at_its_lowest_attempt_and_moves_ahead_when_established() throws Exception {
        queue.offer("a", 3, false, "10.0.0.1");
        queue.offer("b", 1, false, "10.0.0.1");
        queue.offer("a", 2, false, "10.0.0.9"); // same device again (even from elsewhere): keeps its place
        assertThat(queue.waiting()).isEqualTo(2);
        queue.offer("b", 4, true, "10.0.0.1");

        CollectionQueue.Work first = queue.take();
        CollectionQueue.Work second = queue.take();
        assertThat(first.endpoint()).isEqualTo("b");
        assertThat(first.attempt()).isEqualTo(1);
        assertThat(second.endpoint()).isEqualTo("a");
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(queue.waiting()).isZero();
    }

    @Test
    void a_running_endpoint_is_not_taken_twice_and_removal_drops_a_waiting_stranger() throws Exception {
        queue.offer("a", 1, false, "10.0.0.1");
        CollectionQueue.Work running = queue.take();
        queue.offer("a", 2, false, "10.0.0.1"); // asked again while it runs
        queue.offer("b", 1, false, "10.0.0.1");
        queue.offer("c", 1, false, null);

        assertThat(queue.take().endpoint()).isEqualTo("b");
        queue.remove("c");
        assertThat(queue.waiting()).isEqualTo(1);
        assertThat(queue.awaitNotRunning("a", Duration.ofMillis(10))).isFalse();
        queue.done(running.endpoint());
        assertThat(queue.awaitNotRunning("a", Duration.ofMillis(10))).isTrue();
        CollectionQueue.Work again = queue.take();
        assertThat(again.endpoint()).isEqualTo("a");
        assertThat(again.attempt()).isEqualTo(2);
        assertThat(queue.waiting()).isZero();
    }
}
