package io.github.lwm2mportfolio.client.object;

import java.util.SortedMap;

import io.github.lwm2mportfolio.core.profile.GetAuthDataRequest;

/** Computes AuthData for a GetAuthData execution. Runs on a worker thread: a hardware key may be slow. */
@FunctionalInterface
public interface AuthDataProducer {

    /**
     * @param instancePath e.g. "/16/0"
     * @param identities the Identity values to process, by Identity instance ID
     * @return one AuthData value per Identity instance ID
     * @throws Exception when the device cannot produce them (missing key, token error); the message is logged
     */
    SortedMap<Integer, byte[]> produce(String instancePath, SortedMap<Integer, String> identities,
            GetAuthDataRequest.Resolved request) throws Exception;
}
