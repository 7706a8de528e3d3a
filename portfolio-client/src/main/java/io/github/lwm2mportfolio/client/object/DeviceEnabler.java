package io.github.lwm2mportfolio.client.object;

import static io.github.lwm2mportfolio.core.model.PortfolioObject.EXT_DEV_INFO;

import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.TreeMap;

import org.eclipse.leshan.client.resource.BaseInstanceEnabler;
import org.eclipse.leshan.client.resource.listener.ObjectsListenerAdapter;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.node.LwM2mMultipleResource;
import org.eclipse.leshan.core.node.LwM2mResource;
import org.eclipse.leshan.core.node.ObjectLink;
import org.eclipse.leshan.core.request.argument.Arguments;
import org.eclipse.leshan.core.response.ExecuteResponse;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.core.response.WriteResponse;
import org.eclipse.leshan.client.resource.LwM2mObjectEnabler;

import io.github.lwm2mportfolio.core.model.PortfolioObject;

/**
 * The Device object instance /3/0 of the communication module, with ExtDevInfo (22) kept in step with the
 * Portfolio instances that extend it. The module's own identity lives here; the host device's lives in
 * Portfolio.
 */
public class DeviceEnabler extends BaseInstanceEnabler {

    private static final int MANUFACTURER = 0;
    private static final int MODEL_NUMBER = 1;
    private static final int SERIAL_NUMBER = 2;
    private static final int FIRMWARE_VERSION = 3;
    private static final int REBOOT = 4;
    private static final int ERROR_CODE = 11;
    private static final int CURRENT_TIME = 13;
    private static final int UTC_OFFSET = 14;
    private static final int TIMEZONE = 15;
    private static final int SUPPORTED_BINDINGS = 16;

    private static final String OWNER = PortfolioObject.DEVICE_OBJECT_ID + "/0";

    private final ModuleInfo module;
    private final PortfolioObjectEnabler portfolio;
    private final Runnable rebootHandler;
    private volatile long clockOffsetMillis;
    private String utcOffset = "Z";
    private String timezone = TimeZone.getDefault().getID();

    /** What the module says about itself in /3/0. */
    public record ModuleInfo(String manufacturer, String model, String serialNumber, String firmwareVersion) {
    }

    /** @param rebootHandler what the host does on Execute /3/0/4; a library cannot reboot its host itself */
    public DeviceEnabler(ModuleInfo module, PortfolioObjectEnabler portfolio, Runnable rebootHandler) {
        super(0);
        this.module = module;
        this.portfolio = portfolio;
        this.rebootHandler = rebootHandler;
        portfolio.addListener(new ObjectsListenerAdapter() {
            @Override
            public void objectInstancesAdded(LwM2mObjectEnabler object, int... instanceIds) {
                fireResourceChange(EXT_DEV_INFO);
            }

            @Override
            public void objectInstancesRemoved(LwM2mObjectEnabler object, int... instanceIds) {
                fireResourceChange(EXT_DEV_INFO);
            }
        });
    }

    @Override
    public ReadResponse read(LwM2mServer server, int resourceId) {
        switch (resourceId) {
        case MANUFACTURER:
            return ReadResponse.success(resourceId, module.manufacturer());
        case MODEL_NUMBER:
            return ReadResponse.success(resourceId, module.model());
        case SERIAL_NUMBER:
            return ReadResponse.success(resourceId, module.serialNumber());
        case FIRMWARE_VERSION:
            return ReadResponse.success(resourceId, module.firmwareVersion());
        case ERROR_CODE:
            return ReadResponse.success(LwM2mMultipleResource.newIntegerResource(resourceId, Map.of(0, 0L)));
        case CURRENT_TIME:
            return ReadResponse.success(resourceId, new Date(System.currentTimeMillis() + clockOffsetMillis));
        case UTC_OFFSET:
            return ReadResponse.success(resourceId, utcOffset);
        case TIMEZONE:
            return ReadResponse.success(resourceId, timezone);
        case SUPPORTED_BINDINGS:
            return ReadResponse.success(resourceId, "U");
        case EXT_DEV_INFO:
            return ReadResponse.success(extDevInfo());
        default:
            return super.read(server, resourceId);
        }
    }

    @Override
    public WriteResponse write(LwM2mServer server, boolean replace, int resourceId, LwM2mResource value) {
        switch (resourceId) {
        case CURRENT_TIME:
            // Kept as an offset: the system clock belongs to the host.
            clockOffsetMillis = ((Date) value.getValue()).getTime() - System.currentTimeMillis();
            fireResourceChange(resourceId);
            return WriteResponse.success();
        case UTC_OFFSET:
            utcOffset = (String) value.getValue();
            fireResourceChange(resourceId);
            return WriteResponse.success();
        case TIMEZONE:
            timezone = (String) value.getValue();
            fireResourceChange(resourceId);
            return WriteResponse.success();
        default:
            return super.write(server, replace, resourceId, value);
        }
    }

    @Override
    public ExecuteResponse execute(LwM2mServer server, int resourceId, Arguments arguments) {
        if (resourceId == REBOOT) {
            rebootHandler.run();
            return ExecuteResponse.success();
        }
        return super.execute(server, resourceId, arguments);
    }

    @Override
    public List<Integer> getAvailableResourceIds(ObjectModel model) {
        return List.of(MANUFACTURER, MODEL_NUMBER, SERIAL_NUMBER, FIRMWARE_VERSION, REBOOT, ERROR_CODE,
                CURRENT_TIME, UTC_OFFSET, TIMEZONE, SUPPORTED_BINDINGS, EXT_DEV_INFO);
    }

    private LwM2mMultipleResource extDevInfo() {
        Map<Integer, ObjectLink> links = new TreeMap<>();
        int index = 0;
        for (Integer instanceId : portfolio.instancesOwnedBy(OWNER)) {
            links.put(index++, new ObjectLink(PortfolioObject.OBJECT_ID, instanceId));
        }
        return LwM2mMultipleResource.newObjectLinkResource(EXT_DEV_INFO, links);
    }
}
