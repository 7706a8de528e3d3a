package io.github.lwm2mportfolio.client;

import java.time.Clock;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import io.github.lwm2mportfolio.client.object.AuthDataProducer;
import io.github.lwm2mportfolio.client.store.PortfolioStore;
import io.github.lwm2mportfolio.core.auth.AuthClaims;
import io.github.lwm2mportfolio.core.auth.AuthDataMaker;
import io.github.lwm2mportfolio.core.keys.KeySource;
import io.github.lwm2mportfolio.core.profile.GetAuthDataRequest;

/** Makes AuthData as COSE messages (docs/AUTHDATA.md), with the store's never-decreasing counter. */
final class CoseAuthDataProducer implements AuthDataProducer {

    private final String endpoint;
    private final AuthDataMaker maker;
    private final PortfolioStore counterStore;
    private final Clock clock;

    CoseAuthDataProducer(String endpoint, KeySource keys, PortfolioStore counterStore) {
        this.endpoint = endpoint;
        this.maker = new AuthDataMaker(keys);
        this.counterStore = counterStore;
        this.clock = Clock.systemUTC();
    }

    @Override
    public SortedMap<Integer, byte[]> produce(String instancePath, SortedMap<Integer, String> identities,
            GetAuthDataRequest.Resolved request) throws Exception {
        long issuedAt = clock.instant().getEpochSecond();
        SortedMap<Integer, byte[]> result = new TreeMap<>();
        for (Map.Entry<Integer, String> identity : identities.entrySet()) {
            AuthClaims claims = new AuthClaims(endpoint, instancePath, identity.getKey(), identity.getValue(),
                    request.nonce(), issuedAt, counterStore.nextCounter());
            result.put(identity.getKey(), maker.make(claims, request.service(), request.keyId()));
        }
        return result;
    }
}
