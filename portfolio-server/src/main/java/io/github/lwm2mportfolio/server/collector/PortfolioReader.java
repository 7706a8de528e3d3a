package io.github.lwm2mportfolio.server.collector;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

import org.eclipse.leshan.core.node.LwM2mMultipleResource;
import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.LwM2mResource;
import org.eclipse.leshan.core.node.LwM2mResourceInstance;
import org.eclipse.leshan.core.node.ObjectLink;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.ObserveCompositeRequest;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.response.ObserveCompositeResponse;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.server.registration.Registration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.lwm2mportfolio.core.model.PortfolioObject;
import io.github.lwm2mportfolio.server.inventory.PortfolioSnapshot;

/**
 * Reads what a device says about its host: /3/0/22 for the links, then each /16/n. The Identity and AuthStatus of
 * an instance /3/0/22 links are observed together with one Observe-Composite (LwM2M 1.1): its answer carries the
 * Identity values, and the same observation, kept, brings Identity changes and the AuthStatus of every challenge
 * (issue 12: one exchange instead of a read and two observations per collection, and none for a challenge of an
 * instance observed already). Not the whole instance: a notification of AuthData would hand over single-use
 * values, often too large for one datagram. A device that refuses it is read resource by resource.
 * Copes with peers that differ (values that are not strings, a single Identity instead of a multiple one, no
 * ExtDevInfo) and says what it saw in {@link Result#remarks()}.
 */
final class PortfolioReader {

    private static final Logger LOG = LoggerFactory.getLogger(PortfolioReader.class);

    /**
     * What a device holds: its Portfolio instances, whether /3/0/22 exists, and oddities seen.
     *
     * @param observedInstances the instances whose Identity and AuthStatus this read observes together
     */
    record Result(List<PortfolioSnapshot> portfolios, boolean extDevInfoPresent, List<String> remarks,
            Set<Integer> observedInstances) {
    }

    private final DeviceRequests requests;
    private final CompositeObservations compositeObservations;

    PortfolioReader(DeviceRequests requests, CompositeObservations compositeObservations) {
        this.requests = requests;
        this.compositeObservations = compositeObservations;
    }

    static boolean hasPortfolioObject(Registration registration) {
        return registration.getSupportedObject().containsKey(PortfolioObject.OBJECT_ID);
    }

    /** Portfolio instance IDs the registration announces. */
    static TreeSet<Integer> announcedInstances(Registration registration) {
        TreeSet<Integer> ids = new TreeSet<>();
        for (LwM2mPath path : registration.getAvailableInstances()) {
            if (path.getObjectId() == PortfolioObject.OBJECT_ID && path.isObjectInstance()) {
                ids.add(path.getObjectInstanceId());
            }
        }
        return ids;
    }

    Result read(Registration registration) throws CollectionException {
        List<String> remarks = new ArrayList<>();
        TreeSet<Integer> linked = readExtDevInfo(registration, remarks);
        boolean extDevInfoPresent = linked != null;
        TreeSet<Integer> instanceIds = announcedInstances(registration);
        if (linked != null) {
            instanceIds.addAll(linked);
        }
        List<PortfolioSnapshot> portfolios = new ArrayList<>();
        Set<Integer> observed = new TreeSet<>();
        for (int instanceId : instanceIds) {
            boolean isLinked = linked != null && linked.contains(instanceId);
            SortedMap<Integer, String> identities = null;
            if (isLinked && compositeObservations.allowed(registration)) {
                identities = observeComposite(registration, instanceId, remarks, observed);
            }
            if (identities == null) {
                identities = readIdentities(registration, instanceId, remarks);
            }
            if (identities != null) {
                portfolios.add(new PortfolioSnapshot(instanceId, identities, isLinked));
            }
        }
        return new Result(portfolios, extDevInfoPresent, remarks, Set.copyOf(observed));
    }

    /**
     * Observes /16/n/0 and /16/n/3 with one Observe-Composite; the Identity values, or null when they must be read
     * on their own (refused, or not both resources in the answer, as when the device failed to read one).
     */
    private SortedMap<Integer, String> observeComposite(Registration registration, int instanceId,
            List<String> remarks, Set<Integer> observed) throws CollectionException {
        LwM2mPath identityPath = new LwM2mPath(PortfolioObject.OBJECT_ID, instanceId, PortfolioObject.IDENTITY);
        LwM2mPath statusPath = new LwM2mPath(PortfolioObject.OBJECT_ID, instanceId, PortfolioObject.AUTH_STATUS);
        ObserveCompositeResponse response;
        try {
            response = requests.send(registration, new ObserveCompositeRequest(ContentFormat.SENML_CBOR,
                    ContentFormat.SENML_CBOR, List.of(identityPath, statusPath)));
        } catch (CollectionException e) {
            if (e.retryable() || Thread.currentThread().isInterrupted()) {
                throw e;
            }
            LOG.debug("{}: Observe-Composite of /16/{} failed ({}); read resource by resource",
                    registration.getEndpoint(), instanceId, e.getMessage());
            compositeObservations.undecodable(registration);
            return null;
        }
        if (!response.isSuccess()) {
            if (compositeObservations.answered(registration, response.getCode())) {
                LOG.debug("{}: Observe-Composite refused ({}); read resource by resource",
                        registration.getEndpoint(), response.getCode());
            }
            return null;
        }
        Map<LwM2mPath, LwM2mNode> content = response.getContent();
        if (content == null || content.get(identityPath) == null || content.get(statusPath) == null) {
            return null;
        }
        observed.add(instanceId);
        return identitiesOf(content.get(identityPath), identityPath.toString(), remarks);
    }

    /** The Portfolio instances /3/0/22 links to, or null when the device has no ExtDevInfo. */
    private TreeSet<Integer> readExtDevInfo(Registration registration, List<String> remarks)
            throws CollectionException {
        ReadResponse response = requests.send(registration,
                new ReadRequest(PortfolioObject.DEVICE_OBJECT_ID, 0, PortfolioObject.EXT_DEV_INFO));
        if (!response.isSuccess()) {
            if (response.getCode().isServerError()) {
                throw new CollectionException("Read /3/0/22: " + response.getCode() + " "
                        + nullToEmpty(response.getErrorMessage()), true);
            }
            remarks.add("no /3/0/22 ExtDevInfo (" + response.getCode() + ")");
            return null;
        }
        TreeSet<Integer> linked = new TreeSet<>();
        for (Object value : values(response.getContent())) {
            if (value instanceof ObjectLink link && link.getObjectId() == PortfolioObject.OBJECT_ID) {
                linked.add(link.getObjectInstanceId());
            } else if (!(value instanceof ObjectLink)) {
                remarks.add("/3/0/22 holds a " + value.getClass().getSimpleName() + ", not an object link");
            }
        }
        return linked;
    }

    private SortedMap<Integer, String> readIdentities(Registration registration, int instanceId,
            List<String> remarks) throws CollectionException {
        String path = "/16/" + instanceId + "/0";
        ReadResponse response = requests.send(registration, new ReadRequest(path));
        if (!response.isSuccess()) {
            if (response.getCode().isServerError()) {
                throw new CollectionException("Read " + path + ": " + response.getCode() + " "
                        + nullToEmpty(response.getErrorMessage()), true);
            }
            remarks.add("Read " + path + ": " + response.getCode());
            return null;
        }
        return identitiesOf(response.getContent(), path, remarks);
    }

    /** The Identity values of an Identity resource as a device sent it. */
    static SortedMap<Integer, String> identitiesOf(LwM2mNode content, String path, List<String> remarks) {
        SortedMap<Integer, String> identities = new TreeMap<>();
        if (content instanceof LwM2mMultipleResource multiple) {
            for (Map.Entry<Integer, LwM2mResourceInstance> entry : multiple.getInstances().entrySet()) {
                identities.put(entry.getKey(), text(entry.getValue().getValue(), path, remarks));
            }
        } else if (content instanceof LwM2mResource single) {
            remarks.add(path + " is a single resource; kept as Identity 0");
            identities.put(0, text(single.getValue(), path, remarks));
        } else if (content instanceof LwM2mObjectInstance) {
            remarks.add(path + " answered with a whole instance");
        }
        return identities;
    }

    private static String text(Object value, String path, List<String> remarks) {
        if (value instanceof String string) {
            return string;
        }
        if (value instanceof byte[] bytes) {
            remarks.add(path + " holds opaque bytes (is model 16 known on both sides?); kept as UTF-8");
            return new String(bytes, StandardCharsets.UTF_8);
        }
        remarks.add(path + " holds a " + value.getClass().getSimpleName() + "; kept as text");
        return String.valueOf(value);
    }

    private static List<Object> values(LwM2mNode node) {
        if (node instanceof LwM2mMultipleResource multiple) {
            return multiple.getInstances().values().stream().map(LwM2mResourceInstance::getValue)
                    .map(Object.class::cast).toList();
        }
        if (node instanceof LwM2mResource single) {
            return List.of(single.getValue());
        }
        LOG.debug("unexpected node {}", node);
        return List.of();
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }

}
