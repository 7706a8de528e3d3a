package io.github.lwm2mportfolio.cli.bench;

import java.net.InetAddress;

import org.eclipse.leshan.client.LeshanClient;
import org.eclipse.leshan.client.LeshanClientBuilder;
import org.eclipse.leshan.client.object.Device;
import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.client.object.Server;
import org.eclipse.leshan.client.resource.ObjectsInitializer;
import org.eclipse.leshan.core.LwM2mId;
import org.eclipse.leshan.core.model.LwM2mModel;
import org.eclipse.leshan.core.model.ObjectLoader;
import org.eclipse.leshan.core.model.StaticModel;
import org.eclipse.leshan.transport.californium.client.endpoint.CaliforniumClientEndpointsProvider;
import org.eclipse.leshan.transport.californium.client.endpoint.coap.CoapClientProtocolProvider;

/** A bare Leshan client (Security, Server, Device), like the baseline's simulated clients. */
final class BareLeshanTestClient {

    private static final LwM2mModel MODEL = new StaticModel(ObjectLoader.loadDefault());

    private BareLeshanTestClient() {
    }

    static LeshanClient start(String endpoint, String serverUri) {
        ObjectsInitializer objects = new ObjectsInitializer(MODEL);
        objects.setInstancesForObject(LwM2mId.SECURITY, Security.noSec(serverUri, 123));
        objects.setInstancesForObject(LwM2mId.SERVER, new Server(123, 300));
        objects.setInstancesForObject(LwM2mId.DEVICE, new Device("Acme Meters", "WM-3000", "SN-" + endpoint));
        LeshanClientBuilder builder = new LeshanClientBuilder(endpoint);
        builder.setObjects(objects.create(LwM2mId.SECURITY, LwM2mId.SERVER, LwM2mId.DEVICE));
        builder.setEndpointsProviders(new CaliforniumClientEndpointsProvider.Builder(new CoapClientProtocolProvider())
                .setClientAddress(InetAddress.getLoopbackAddress()).build());
        LeshanClient client = builder.build();
        client.start();
        return client;
    }
}
