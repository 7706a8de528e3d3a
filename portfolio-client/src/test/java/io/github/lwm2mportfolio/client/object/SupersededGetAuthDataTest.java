package io.github.lwm2mportfolio.client.object;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.node.LwM2mMultipleResource;
import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.request.ExecuteRequest;
import org.eclipse.leshan.core.request.ReadRequest;
import org.junit.jupiter.api.Test;

import io.github.lwm2mportfolio.core.auth.AuthService;
import io.github.lwm2mportfolio.core.model.AuthStatus;
import io.github.lwm2mportfolio.core.model.PortfolioLimits;

/** GetAuthData Executes that a later one replaced before they ran make no AuthData (and draw no counter value). */
class SupersededGetAuthDataTest {

    @Test
    void of_three_queued_executes_only_the_last_makes_auth_data() {
        List<Runnable> queue = new ArrayList<>();
        AtomicInteger produced = new AtomicInteger();
        AuthDataProducer producer = (path, identities, request) -> {
            produced.incrementAndGet();
            SortedMap<Integer, byte[]> data = new TreeMap<>();
            identities.keySet().forEach(id -> data.put(id, request.nonce()));
            return data;
        };
        PortfolioInstance host = new PortfolioInstance(0, "3/0", true, new TreeMap<>(Map.of(3, "4.2.1")),
                AuthStatus.IDLE, new TreeMap<>(), 0);
        PortfolioObjectEnabler portfolio = new PortfolioObjectEnabler(List.of(host), PortfolioLimits.DEFAULTS,
                instances -> {
                }, new PortfolioObjectEnabler.AuthSettings(producer, queue::add, AuthService.MAC, () -> "default"));

        for (String nonce : List.of("AAAAAAAAAAA", "BBBBBBBBBBB", "CCCCCCCCCCC")) {
            assertThat(portfolio.execute(LwM2mServer.SYSTEM,
                    new ExecuteRequest("/16/0/1", "1='mac',2='" + nonce + "'")).isSuccess()).isTrue();
        }
        queue.forEach(Runnable::run);

        assertThat(produced).hasValue(1);
        assertThat(((LwM2mSingleResource) portfolio.read(LwM2mServer.SYSTEM, new ReadRequest(16, 0, 3))
                .getContent()).getValue()).isEqualTo((long) AuthStatus.DATA_AVAIL.code());
        byte[] last = java.util.Base64.getUrlDecoder().decode("CCCCCCCCCCC");
        assertThat((byte[]) ((LwM2mMultipleResource) portfolio.read(LwM2mServer.SYSTEM, new ReadRequest(16, 0, 2))
                .getContent()).getInstance(3).getValue()).isEqualTo(last);
    }
}
