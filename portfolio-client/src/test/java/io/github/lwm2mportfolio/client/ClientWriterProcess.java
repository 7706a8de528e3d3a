package io.github.lwm2mportfolio.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.eclipse.leshan.client.resource.LwM2mObjectEnabler;
import org.eclipse.leshan.client.resource.listener.ObjectsListenerAdapter;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.node.LwM2mMultipleResource;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.request.ExecuteRequest;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.response.ExecuteResponse;

import io.github.lwm2mportfolio.core.auth.AuthClaims;
import io.github.lwm2mportfolio.core.cose.CoseMac0;
import io.github.lwm2mportfolio.core.model.AuthStatus;
import io.github.lwm2mportfolio.core.model.HostIdentity;

/**
 * Test helper run in a child JVM by {@link ClientCrashTest}: our client on a data directory, writing the host's
 * software version (Identity 3 of /16/0) and running GetAuthData on it, over and over, through the client's own
 * object (the system acting, as a server's requests would, without a network). After each round it prints
 * {@code "<iteration> <counter>"}: the value is saved and the AuthData with that counter was made. Iterations continue
 * from the version found in the store. Runs until killed, or for the number of rounds given after the directory.
 */
public final class ClientWriterProcess {

    static final String ENDPOINT = "crash-client";
    static final byte[] FLEET_KEY = "a fleet master key of 32 bytes!!".getBytes(StandardCharsets.US_ASCII);

    private ClientWriterProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        // Bounded so that a lost child cannot write forever.
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        exitWhenParentGoesAway();
        // Never started: a server is not needed to write values and make AuthData.
        try (PortfolioClient client = PortfolioClient.builder(ENDPOINT).serverUri("coap://127.0.0.1:5683")
                .localAddress(InetAddress.getLoopbackAddress()).dataDirectory(directory).fleetMasterKey(FLEET_KEY)
                .hostIdentity(HostIdentity.UNIQUE_ID, "HOST-1").hostIdentity(HostIdentity.MANUFACTURER, "Acme")
                .hostIdentity(HostIdentity.MODEL, "WM-3000").build()) {
            LwM2mObjectEnabler portfolio = client.leshanClient().getObjectTree().getObjectEnabler(16);
            Semaphore statusChanged = new Semaphore(0);
            client.leshanClient().getObjectTree().addListener(new ObjectsListenerAdapter() {
                @Override
                public void resourceChanged(LwM2mPath... paths) {
                    statusChanged.release();
                }
            });
            int iteration = iterationOf(client.portfolios().get(0).map(i -> i.identities().get(3)).orElse(null));
            for (int end = iteration + rounds; iteration < end;) {
                iteration++;
                client.hostDevice().setSoftwareVersion(versionOf(iteration));
                long counter = getAuthData(portfolio, statusChanged);
                // One write per line, so that a kill cannot leave half a line behind.
                System.out.print(iteration + " " + counter + "\n");
                System.out.flush();
            }
        }
    }

    static String versionOf(int iteration) {
        return "v" + iteration;
    }

    /** The iteration a stored software version was written at; 0 before the first. */
    static int iterationOf(String version) {
        return version == null || !version.startsWith("v") ? 0 : Integer.parseInt(version.substring(1));
    }

    /** Executes /16/0/1 for Identity 3 with the MAC service and returns the counter of the AuthData made. */
    private static long getAuthData(LwM2mObjectEnabler portfolio, Semaphore statusChanged) throws Exception {
        statusChanged.drainPermits();
        ExecuteResponse executed = portfolio.execute(LwM2mServer.SYSTEM,
                new ExecuteRequest("/16/0/1", "0='3',1='mac',2='AAECAwQFBgcICQoLDA0ODw'"));
        if (!executed.isSuccess()) {
            throw new IllegalStateException("GetAuthData refused: " + executed);
        }
        // IDLE until the AuthData is made (DATA_AVAIL) or making it failed (ERROR).
        while (status(portfolio) == AuthStatus.IDLE.code()) {
            if (!statusChanged.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no AuthData within 30 s");
            }
        }
        if (status(portfolio) != AuthStatus.DATA_AVAIL.code()) {
            throw new IllegalStateException("GetAuthData ended in ERROR");
        }
        LwM2mMultipleResource authData = (LwM2mMultipleResource) portfolio
                .read(LwM2mServer.SYSTEM, new ReadRequest(16, 0, 2)).getContent();
        byte[] mac0 = (byte[]) authData.getInstance(3).getValue();
        return AuthClaims.decode(CoseMac0.parse(mac0).payload()).counter();
    }

    private static long status(LwM2mObjectEnabler portfolio) {
        return (Long) ((LwM2mSingleResource) portfolio.read(LwM2mServer.SYSTEM, new ReadRequest(16, 0, 3))
                .getContent()).getValue();
    }

    // If the test JVM dies, our stdin closes; without this the child would be left running.
    private static void exitWhenParentGoesAway() {
        Thread watcher = new Thread(() -> {
            try {
                InputStream in = System.in;
                while (in.read() >= 0) {
                    // The parent sends nothing; we only wait for end of stream.
                }
            } catch (IOException e) {
                // Same as end of stream.
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }
}
