package io.github.lwm2mportfolio.client.object;

import static io.github.lwm2mportfolio.core.model.PortfolioObject.AUTH_DATA;
import static io.github.lwm2mportfolio.core.model.PortfolioObject.AUTH_STATUS;
import static io.github.lwm2mportfolio.core.model.PortfolioObject.GET_AUTH_DATA;
import static io.github.lwm2mportfolio.core.model.PortfolioObject.IDENTITY;
import static io.github.lwm2mportfolio.core.model.PortfolioObject.OBJECT_ID;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.client.resource.BaseObjectEnabler;
import org.eclipse.leshan.core.ResponseCode;
import org.eclipse.leshan.core.model.ResourceModel.Type;
import org.eclipse.leshan.core.node.LwM2mMultipleResource;
import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mObject;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.LwM2mResource;
import org.eclipse.leshan.core.node.LwM2mResourceInstance;
import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.request.CreateRequest;
import org.eclipse.leshan.core.request.DeleteRequest;
import org.eclipse.leshan.core.request.ExecuteRequest;
import org.eclipse.leshan.core.request.ObserveRequest;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.request.WriteRequest;
import org.eclipse.leshan.core.response.CreateResponse;
import org.eclipse.leshan.core.response.DeleteResponse;
import org.eclipse.leshan.core.response.ExecuteResponse;
import org.eclipse.leshan.core.response.ObserveResponse;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.core.response.WriteResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.lwm2mportfolio.client.object.IdentityRules.RuleViolation;
import io.github.lwm2mportfolio.core.auth.AuthService;
import io.github.lwm2mportfolio.core.model.AuthStatus;
import io.github.lwm2mportfolio.core.model.PortfolioLimits;
import io.github.lwm2mportfolio.core.model.PortfolioModels;
import io.github.lwm2mportfolio.core.model.PortfolioObject;
import io.github.lwm2mportfolio.core.profile.GetAuthDataRequest;
import io.github.lwm2mportfolio.core.profile.InvalidAuthArgumentsException;

/**
 * The Portfolio object (16) on a Leshan client. One object enabler holds every instance as an immutable
 * {@link PortfolioInstance}; server operations and the host's local API go through the same synchronized
 * methods, so each change is checked against the limits, saved, then applied and reported to observers.
 * <p>
 * {@link BaseObjectEnabler} answers 4.04/4.05 and structural 4.00 before these methods run.
 */
public class PortfolioObjectEnabler extends BaseObjectEnabler {

    private static final Logger LOG = LoggerFactory.getLogger(PortfolioObjectEnabler.class);

    /** The owner of instances a server creates: they extend the Device, the object's main use. */
    public static final String DEFAULT_OWNER = PortfolioObject.DEVICE_OBJECT_ID + "/0";

    private static final String SAVE_FAILED = "could not save the Portfolio instances";

    private final IdentityRules rules;
    private final InstancePersistence persistence;
    private final AuthSettings auth;

    /** Replaced, never mutated: lock-free readers (the Device's ExtDevInfo) see a consistent view. */
    private volatile SortedMap<Integer, PortfolioInstance> instances;

    /**
     * How GetAuthData works on this client.
     *
     * @param executor runs the work off the CoAP thread, and reports consumed AuthData to observers
     */
    public record AuthSettings(AuthDataProducer producer, Executor executor, AuthService defaultService,
            Supplier<String> defaultKeyId) {
    }

    /** @param auth null for a client with Identity only (no GetAuthData, AuthData, AuthStatus) */
    public PortfolioObjectEnabler(Collection<PortfolioInstance> initial, PortfolioLimits limits,
            InstancePersistence persistence, AuthSettings auth) {
        super(OBJECT_ID, PortfolioModels.portfolio());
        this.rules = new IdentityRules(limits);
        this.persistence = persistence;
        this.auth = auth;
        SortedMap<Integer, PortfolioInstance> map = new TreeMap<>();
        for (PortfolioInstance instance : initial) {
            map.put(instance.id(), instance);
        }
        this.instances = Collections.unmodifiableSortedMap(map);
    }

    // ---- views, lock-free ----

    public SortedMap<Integer, PortfolioInstance> instances() {
        return instances;
    }

    public Optional<PortfolioInstance> instance(int id) {
        return Optional.ofNullable(instances.get(id));
    }

    /** IDs of the instances that extend the given owner ("3/0"), for its ExtDevInfo links. */
    public List<Integer> instancesOwnedBy(String owner) {
        return instances.values().stream().filter(i -> i.owner().equals(owner)).map(PortfolioInstance::id)
                .toList();
    }

    @Override
    public List<Integer> getAvailableInstanceIds() {
        return new ArrayList<>(instances.keySet());
    }

    @Override
    public List<Integer> getAvailableResourceIds(int instanceId) {
        return auth == null ? List.of(IDENTITY) : List.of(IDENTITY, GET_AUTH_DATA, AUTH_DATA, AUTH_STATUS);
    }

    // ---- LwM2M operations ----

    @Override
    protected CreateResponse doCreate(LwM2mServer server, CreateRequest request) {
        SortedMap<Integer, PortfolioInstance> next = new TreeMap<>(instances);
        List<LwM2mObjectInstance> nodes = request.unknownObjectInstanceId()
                ? List.of(new LwM2mObjectInstance(lowestFreeId(next), request.getResources()))
                : request.getObjectInstances();
        int[] ids = new int[nodes.size()];
        try {
            for (int i = 0; i < nodes.size(); i++) {
                LwM2mObjectInstance node = nodes.get(i);
                if (next.containsKey(node.getId())) {
                    return CreateResponse.badRequest("instance " + node.getId() + " already exists");
                }
                SortedMap<Integer, String> identities = identitiesOf(node, new TreeMap<>());
                next.put(node.getId(), PortfolioInstance.created(node.getId(), DEFAULT_OWNER, false, identities));
                ids[i] = node.getId();
            }
            rules.checkInstanceCount(next.size());
        } catch (RuleViolation e) {
            return CreateResponse.badRequest(e.getMessage());
        }
        if (!commit(next)) {
            return CreateResponse.internalServerError(SAVE_FAILED);
        }
        fireInstancesAdded(ids);
        return request.unknownObjectInstanceId()
                ? CreateResponse.success(new LwM2mPath(OBJECT_ID, ids[0]).toString())
                : CreateResponse.success();
    }

    @Override
    protected DeleteResponse doDelete(LwM2mServer server, DeleteRequest request) {
        int id = request.getPath().getObjectInstanceId();
        PortfolioInstance instance = instances.get(id);
        if (instance == null) {
            return DeleteResponse.notFound();
        }
        if (instance.locked() && !server.isSystem()) {
            return new DeleteResponse(ResponseCode.UNAUTHORIZED, lockedReason(id));
        }
        SortedMap<Integer, PortfolioInstance> next = new TreeMap<>(instances);
        next.remove(id);
        if (!commit(next)) {
            return DeleteResponse.internalServerError(SAVE_FAILED);
        }
        fireInstancesRemoved(id);
        return DeleteResponse.success();
    }

    @Override
    protected WriteResponse doWrite(LwM2mServer server, WriteRequest request) {
        LwM2mPath path = request.getPath();
        PortfolioInstance instance = instances.get(path.getObjectInstanceId());
        if (instance == null) {
            return WriteResponse.notFound();
        }
        if (instance.locked() && !server.isSystem()) {
            return new WriteResponse(ResponseCode.UNAUTHORIZED, lockedReason(instance.id()));
        }
        SortedMap<Integer, String> identities;
        try {
            identities = writtenIdentities(instance, request);
        } catch (RuleViolation e) {
            return WriteResponse.badRequest(e.getMessage());
        }
        if (identities == null) {
            return WriteResponse.notFound();
        }
        return replaceIdentities(instance, identities) ? WriteResponse.success()
                : WriteResponse.internalServerError(SAVE_FAILED);
    }

    @Override
    protected ReadResponse doRead(LwM2mServer server, ReadRequest request) {
        return readNode(server, request.getPath());
    }

    @Override
    protected ObserveResponse doObserve(LwM2mServer server, ObserveRequest request) {
        ReadResponse read = readNode(server, request.getPath());
        return new ObserveResponse(read.getCode(), read.getContent(), null, null, null, read.getErrorMessage());
    }

    @Override
    protected ExecuteResponse doExecute(LwM2mServer server, ExecuteRequest request) {
        LwM2mPath path = request.getPath();
        PortfolioInstance instance = instances.get(path.getObjectInstanceId());
        if (instance == null) {
            return ExecuteResponse.notFound();
        }
        if (path.getResourceId() != GET_AUTH_DATA) {
            return ExecuteResponse.methodNotAllowed();
        }
        if (auth == null) {
            return ExecuteResponse.notFound();
        }
        GetAuthDataRequest.Resolved resolved;
        try {
            resolved = GetAuthDataRequest.parse(request.getArguments()).resolve(instance.identities().keySet(),
                    auth.defaultService(), auth.defaultKeyId().get());
        } catch (InvalidAuthArgumentsException e) {
            return ExecuteResponse.badRequest(e.getMessage());
        }
        PortfolioInstance started = instance.authStarted();
        SortedMap<Integer, String> toProcess = new TreeMap<>();
        for (Integer id : resolved.identityIds()) {
            toProcess.put(id, instance.identities().get(id));
        }
        try {
            auth.executor().execute(() -> produce(started, toProcess, resolved));
        } catch (RejectedExecutionException e) {
            return ExecuteResponse.internalServerError("the client is too busy to compute AuthData now");
        }
        applyAuthState(instance, started);
        return ExecuteResponse.success();
    }

    // ---- the host's local API (the system acting, never refused for a lock) ----

    /** Creates an instance for an owner; returns its ID. */
    public synchronized int createLocal(String owner, boolean locked, Map<Integer, String> identities) {
        SortedMap<Integer, PortfolioInstance> next = new TreeMap<>(instances);
        int id = lowestFreeId(next);
        try {
            SortedMap<Integer, String> values = new TreeMap<>(identities);
            rules.checkIdentities(values);
            next.put(id, PortfolioInstance.created(id, owner, locked, values));
            rules.checkInstanceCount(next.size());
        } catch (RuleViolation e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        commitOrThrow(next);
        fireInstancesAdded(id);
        return id;
    }

    public synchronized void removeLocal(int id) {
        requireInstance(id);
        SortedMap<Integer, PortfolioInstance> next = new TreeMap<>(instances);
        next.remove(id);
        commitOrThrow(next);
        fireInstancesRemoved(id);
    }

    public synchronized void setLockedLocal(int id, boolean locked) {
        PortfolioInstance instance = requireInstance(id);
        if (instance.locked() == locked) {
            return;
        }
        SortedMap<Integer, PortfolioInstance> next = new TreeMap<>(instances);
        next.put(id, instance.withLocked(locked));
        commitOrThrow(next);
    }

    /** Sets (value non-null) or removes (value null) one Identity value. */
    public synchronized void setIdentityLocal(int id, int identityId, String value) {
        PortfolioInstance instance = requireInstance(id);
        SortedMap<Integer, String> identities = new TreeMap<>(instance.identities());
        if (value == null) {
            identities.remove(identityId);
        } else {
            identities.put(identityId, value);
        }
        try {
            rules.checkIdentities(identities);
        } catch (RuleViolation e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        if (!identities.equals(instance.identities()) && !replaceIdentities(instance, identities)) {
            throw new IllegalStateException(SAVE_FAILED);
        }
    }

    // ---- internals ----

    private void produce(PortfolioInstance started, SortedMap<Integer, String> identities,
            GetAuthDataRequest.Resolved request) {
        // Runs the (maybe slow) work without the object's lock; only the result is applied under it.
        if (replacedLater(started)) {
            // A storm of Executes then costs one AuthData, not one per queued Execute (nor their counter values).
            LOG.debug("skipping a superseded GetAuthData on /16/{}", started.id());
            return;
        }
        SortedMap<Integer, byte[]> data = null;
        String failure = null;
        try {
            data = auth.producer().produce(PortfolioObject.instancePath(started.id()), identities, request);
        } catch (Exception e) {
            failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        completeAuth(started, data, failure);
    }

    private synchronized void completeAuth(PortfolioInstance started, SortedMap<Integer, byte[]> data,
            String failure) {
        PortfolioInstance current = instances.get(started.id());
        if (current == null || current.authGeneration() != started.authGeneration()) {
            LOG.debug("dropping the AuthData of a superseded GetAuthData on /16/{}", started.id());
            return;
        }
        if (failure != null) {
            LOG.warn("GetAuthData on /16/{} failed: {}", started.id(), failure);
            applyAuthState(current, current.withAuthResult(AuthStatus.ERROR, new TreeMap<>()));
        } else {
            applyAuthState(current, current.withAuthResult(AuthStatus.DATA_AVAIL, data));
        }
    }

    /**
     * Whether a later Execute, or a Delete, replaced this GetAuthData. Read without the lock, so the Execute that
     * queued it may not have applied its own generation yet: only a higher one counts.
     */
    private boolean replacedLater(PortfolioInstance started) {
        PortfolioInstance current = instances.get(started.id());
        return current == null || current.authGeneration() > started.authGeneration();
    }

    private void applyAuthState(PortfolioInstance before, PortfolioInstance after) {
        LwM2mPath[] changed = storeAuthState(before, after);
        if (changed.length > 0) {
            fireResourcesChanged(changed);
        }
    }

    /** Applies an AuthStatus/AuthData change and returns the paths whose observers must hear of it. */
    private LwM2mPath[] storeAuthState(PortfolioInstance before, PortfolioInstance after) {
        SortedMap<Integer, PortfolioInstance> next = new TreeMap<>(instances);
        next.put(after.id(), after);
        instances = Collections.unmodifiableSortedMap(next);
        List<LwM2mPath> changed = new ArrayList<>();
        if (!before.authData().isEmpty() || !after.authData().isEmpty()) {
            changed.add(new LwM2mPath(OBJECT_ID, after.id(), AUTH_DATA));
        }
        if (before.authStatus() != after.authStatus()) {
            changed.add(new LwM2mPath(OBJECT_ID, after.id(), AUTH_STATUS));
        }
        return changed.toArray(LwM2mPath[]::new);
    }

    private synchronized void fireLater(LwM2mPath[] paths) {
        fireResourcesChanged(paths);
    }

    private boolean replaceIdentities(PortfolioInstance instance, SortedMap<Integer, String> identities) {
        SortedMap<Integer, PortfolioInstance> next = new TreeMap<>(instances);
        next.put(instance.id(), instance.withIdentities(identities));
        if (!commit(next)) {
            return false;
        }
        fireResourcesChanged(identityChangePaths(instance.id(), instance.identities(), identities));
        return true;
    }

    /** The Identity resource and each resource instance that changed, so observers of either are told. */
    private static LwM2mPath[] identityChangePaths(int id, Map<Integer, String> before, Map<Integer, String> after) {
        List<LwM2mPath> paths = new ArrayList<>();
        paths.add(new LwM2mPath(OBJECT_ID, id, IDENTITY));
        TreeMap<Integer, String> all = new TreeMap<>(before);
        all.putAll(after);
        for (Integer identityId : all.keySet()) {
            if (!Objects.equals(before.get(identityId), after.get(identityId))) {
                paths.add(new LwM2mPath(OBJECT_ID, id, IDENTITY, identityId));
            }
        }
        return paths.toArray(LwM2mPath[]::new);
    }

    /** The Identity values after a write, or null when the write targets a resource that does not exist. */
    private SortedMap<Integer, String> writtenIdentities(PortfolioInstance instance, WriteRequest request)
            throws RuleViolation {
        LwM2mPath path = request.getPath();
        LwM2mNode node = request.getNode();
        SortedMap<Integer, String> result;
        if (path.isObjectInstance()) {
            LwM2mObjectInstance written = (LwM2mObjectInstance) node;
            for (Integer resourceId : written.getResources().keySet()) {
                if (resourceId != IDENTITY) {
                    return null;
                }
            }
            SortedMap<Integer, String> base = request.isReplaceRequest() ? new TreeMap<>()
                    : new TreeMap<>(instance.identities());
            result = identitiesOf(written, base);
        } else if (path.isResource()) {
            SortedMap<Integer, String> base = request.isReplaceRequest() ? new TreeMap<>()
                    : new TreeMap<>(instance.identities());
            result = mergeIdentityResource((LwM2mResource) node, base);
        } else {
            LwM2mResourceInstance written = (LwM2mResourceInstance) node;
            result = new TreeMap<>(instance.identities());
            result.put(written.getId(), stringValue(written.getType(), written.getValue(), written.getId()));
        }
        rules.checkIdentities(result);
        return result;
    }

    private SortedMap<Integer, String> identitiesOf(LwM2mObjectInstance node, SortedMap<Integer, String> base)
            throws RuleViolation {
        for (LwM2mResource resource : node.getResources().values()) {
            if (resource.getId() != IDENTITY) {
                throw new RuleViolation("resource " + resource.getId() + " cannot be written: only Identity (0) is");
            }
            mergeIdentityResource(resource, base);
        }
        rules.checkIdentities(base);
        return base;
    }

    private static SortedMap<Integer, String> mergeIdentityResource(LwM2mResource resource,
            SortedMap<Integer, String> base) throws RuleViolation {
        if (!resource.isMultiInstances()) {
            throw new RuleViolation("Identity is a multiple-instance resource");
        }
        for (LwM2mResourceInstance value : resource.getInstances().values()) {
            base.put(value.getId(), stringValue(value.getType(), value.getValue(), value.getId()));
        }
        return base;
    }

    private static String stringValue(Type type, Object value, int identityId) throws RuleViolation {
        if (type != Type.STRING || !(value instanceof String)) {
            throw new RuleViolation("Identity " + identityId + " must be a string, got " + type);
        }
        return (String) value;
    }

    private ReadResponse readNode(LwM2mServer server, LwM2mPath path) {
        if (path.isObject()) {
            List<LwM2mObjectInstance> nodes = new ArrayList<>();
            for (PortfolioInstance instance : instances.values()) {
                nodes.add(instanceNode(instance));
                consumeIfReturned(server, instance);
            }
            return ReadResponse.success(new LwM2mObject(OBJECT_ID, nodes));
        }
        PortfolioInstance instance = instances.get(path.getObjectInstanceId());
        if (instance == null) {
            return ReadResponse.notFound();
        }
        if (path.isObjectInstance()) {
            consumeIfReturned(server, instance);
            return ReadResponse.success(instanceNode(instance));
        }
        LwM2mResource resource = resourceNode(instance, path.getResourceId());
        if (resource == null) {
            return ReadResponse.notFound();
        }
        if (path.isResource()) {
            if (path.getResourceId() == AUTH_DATA) {
                consumeIfReturned(server, instance);
            }
            return ReadResponse.success(resource);
        }
        LwM2mResourceInstance value = resource.getInstance(path.getResourceInstanceId());
        if (value == null) {
            return ReadResponse.notFound();
        }
        if (path.getResourceId() == AUTH_DATA) {
            consumeIfReturned(server, instance);
        }
        return ReadResponse.success(value);
    }

    /**
     * AuthData is single use: once a server got it (Read or Notify), it is cleared and the status is IDLE.
     * Observers hear of that from another thread: this may run while a notification is being built, and
     * Californium refuses a change reported from inside one.
     */
    private void consumeIfReturned(LwM2mServer server, PortfolioInstance instance) {
        if (server.isSystem() || instance.authData().isEmpty()) {
            return;
        }
        LwM2mPath[] changed = storeAuthState(instance, instance.authConsumed());
        try {
            auth.executor().execute(() -> fireLater(changed));
        } catch (RejectedExecutionException e) {
            LOG.warn("observers of /16/{} were not told that its AuthData was consumed: the client is busy",
                    instance.id());
        }
    }

    private LwM2mObjectInstance instanceNode(PortfolioInstance instance) {
        if (auth == null) {
            return new LwM2mObjectInstance(instance.id(), resourceNode(instance, IDENTITY));
        }
        return new LwM2mObjectInstance(instance.id(), resourceNode(instance, IDENTITY),
                resourceNode(instance, AUTH_DATA), resourceNode(instance, AUTH_STATUS));
    }

    private LwM2mResource resourceNode(PortfolioInstance instance, int resourceId) {
        if (auth == null && resourceId != IDENTITY) {
            return null;
        }
        switch (resourceId) {
        case IDENTITY:
            return LwM2mMultipleResource.newStringResource(IDENTITY, instance.identities());
        case AUTH_DATA:
            return LwM2mMultipleResource.newResource(AUTH_DATA, instance.authData(), Type.OPAQUE);
        case AUTH_STATUS:
            return LwM2mSingleResource.newIntegerResource(AUTH_STATUS, instance.authStatus().code());
        default:
            return null;
        }
    }

    /** Saves the new instances, then makes them current; on a failed save nothing changes. */
    private boolean commit(SortedMap<Integer, PortfolioInstance> next) {
        try {
            persistence.save(next.values());
        } catch (Exception e) {
            LOG.error("{}: {}", SAVE_FAILED, e.getMessage(), e);
            return false;
        }
        instances = Collections.unmodifiableSortedMap(next);
        return true;
    }

    private void commitOrThrow(SortedMap<Integer, PortfolioInstance> next) {
        if (!commit(next)) {
            throw new IllegalStateException(SAVE_FAILED);
        }
    }

    private PortfolioInstance requireInstance(int id) {
        PortfolioInstance instance = instances.get(id);
        if (instance == null) {
            throw new NoSuchElementException("no Portfolio instance " + id);
        }
        return instance;
    }

    private static int lowestFreeId(Map<Integer, PortfolioInstance> map) {
        int id = 0;
        while (map.containsKey(id)) {
            id++;
        }
        return id;
    }

    private static String lockedReason(int id) {
        return "Portfolio instance " + id + " is locked by the host device";
    }
}
