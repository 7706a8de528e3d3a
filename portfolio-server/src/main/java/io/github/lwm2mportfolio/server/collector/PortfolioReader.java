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
 * Reads what a device says about its host: /3/0/22 for the links, then each /16/n. From a LwM2M 1.1 device that
 * announces Portfolio instances, /3/0/22 and the Identity and AuthStatus of each instance come in one
 * Observe-Composite: its answer carries the links and the Identity values, and the same observation, kept, brings
 * Identity changes and the AuthStatus of every challenge (issue 12: one exchange where a read of /3/0/22, a read of
 * /16/n/0 and two observations took four). A device that refuses it is read as a LwM2M 1.0 device is: /3/0/22, then
 * each instance's Identity resource. Not the whole instance: a notification of AuthData would hand over single-use
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

    private static final LwM2mPath EXT_DEV_INFO = new LwM2mPath(PortfolioObject.DEVICE_OBJECT_ID, 0,
            PortfolioObject.EXT_DEV_INFO);

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
        TreeSet<Integer> announced = announcedInstances(registration);
        Map<LwM2mPath, LwM2mNode> together = announced.isEmpty() || !compositeObservations.allowed(registration)
                ? null
                : observeTogether(registration, announced);
        TreeSet<Integer> linked = together != null && together.get(EXT_DEV_INFO) != null
                ? linkedInstances(together.get(EXT_DEV_INFO), remarks)
                : readExtDevInfo(registration, remarks); // as well when the answer had no /3/0/22: its code says why
        boolean extDevInfoPresent = linked != null;
        TreeSet<Integer> instanceIds = new TreeSet<>(announced);
        if (linked != null) {
            instanceIds.addAll(linked);
        }
        List<PortfolioSnapshot> portfolios = new ArrayList<>();
        Set<Integer> observed = new TreeSet<>();
        for (int instanceId : instanceIds) {
            boolean isLinked = linked != null && linked.contains(instanceId);
            SortedMap<Integer, String> identities = null;
            if (together != null) {
                identities = observedIdentities(together, instanceId, remarks, observed);
            } else if (isLinked && compositeObservations.allowed(registration)) {
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
     * The first exchange with a LwM2M 1.1 device: /3/0/22 with the Identity and AuthStatus of every instance it
     * announced, in one Observe-Composite (one exchange where a Read of /3/0/22 and an Observe-Composite of the
     * host instance took two). The answer, or null when the device refused it (then read as before).
     */
    private Map<LwM2mPath, LwM2mNode> observeTogether(Registration registration, TreeSet<Integer> announced)
            throws CollectionException {
        List<LwM2mPath> paths = new ArrayList<>();
        paths.add(EXT_DEV_INFO);
        for (int instanceId : announced) {
            paths.add(new LwM2mPath(PortfolioObject.OBJECT_ID, instanceId, PortfolioObject.IDENTITY));
            paths.add(new LwM2mPath(PortfolioObject.OBJECT_ID, instanceId, PortfolioObject.AUTH_STATUS));
        }
        return observe(registration, paths);
    }

    /** The Identity values of an instance in a composite answer with its AuthStatus (then observed), or null. */
    private static SortedMap<Integer, String> observedIdentities(Map<LwM2mPath, LwM2mNode> content, int instanceId,
            List<String> remarks, Set<Integer> observed) {
        LwM2mPath identityPath = new LwM2mPath(PortfolioObject.OBJECT_ID, instanceId, PortfolioObject.IDENTITY);
        LwM2mPath statusPath = new LwM2mPath(PortfolioObject.OBJECT_ID, instanceId, PortfolioObject.AUTH_STATUS);
        if (content.get(identityPath) == null || content.get(statusPath) == null) {
            return null;
        }
        observed.add(instanceId);
        return identitiesOf(content.get(identityPath), identityPath.toString(), remarks);
    }

    /**
     * Observes /16/n/0 and /16/n/3 with one Observe-Composite; the Identity values, or null when they must be read
     * on their own (refused, or not both resources in the answer, as when the device failed to read one).
     */
    private SortedMap<Integer, String> observeComposite(Registration registration, int instanceId,
            List<String> remarks, Set<Integer> observed) throws CollectionException {
        Map<LwM2mPath, LwM2mNode> content = observe(registration, List.of(
                new LwM2mPath(PortfolioObject.OBJECT_ID, instanceId, PortfolioObject.IDENTITY),
                new LwM2mPath(PortfolioObject.OBJECT_ID, instanceId, PortfolioObject.AUTH_STATUS)));
        return content == null ? null : observedIdentities(content, instanceId, remarks, observed);
    }

    /**
     * One Observe-Composite of these paths in SenML-CBOR: the content, or null when it was refused (4.00, 4.05,
     * 4.06, 4.15, 5.01 or an answer Leshan could not decode: the registration is not asked again) or failed.
     */
    private Map<LwM2mPath, LwM2mNode> observe(Registration registration, List<LwM2mPath> paths)
            throws CollectionException {
        ObserveCompositeResponse response;
        try {
            response = requests.send(registration, new ObserveCompositeRequest(ContentFormat.SENML_CBOR,
                    ContentFormat.SENML_CBOR, paths));
        } catch (CollectionException e) {
            if (e.retryable() || Thread.currentThread().isInterrupted()) {
                throw e;
            }
            LOG.debug("{}: Observe-Composite of {} failed ({}); read resource by resource",
                    registration.getEndpoint(), paths, e.getMessage());
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
        return response.getContent();
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
        return linkedInstances(response.getContent(), remarks);
    }

    /** The Portfolio instances an ExtDevInfo resource links to. */
    private static TreeSet<Integer> linkedInstances(LwM2mNode extDevInfo, List<String> remarks) {
        TreeSet<Integer> linked = new TreeSet<>();
        for (Object value : values(extDevInfo)) {
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
