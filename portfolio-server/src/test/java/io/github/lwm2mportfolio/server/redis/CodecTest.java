package io.github.lwm2mportfolio.server.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Date;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.eclipse.leshan.core.LwM2m.LwM2mVersion;
import org.eclipse.leshan.core.endpoint.EndpointUri;
import org.eclipse.leshan.core.link.Link;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.observation.CompositeObservation;
import org.eclipse.leshan.core.observation.ObservationIdentifier;
import org.eclipse.leshan.core.peer.IpPeer;
import org.eclipse.leshan.core.peer.LwM2mIdentity;
import org.eclipse.leshan.core.peer.OscoreIdentity;
import org.eclipse.leshan.core.peer.RpkIdentity;
import org.eclipse.leshan.core.peer.SocketIdentity;
import org.eclipse.leshan.core.peer.X509Identity;
import org.eclipse.leshan.core.request.BindingMode;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.server.registration.Registration;
import org.junit.jupiter.api.Test;

/** What the nodes write to Redis reads back equal, whatever the device's identity; damaged text says so. */
class CodecTest {

    private static final EndpointUri SERVER = new EndpointUri("coaps", "127.0.0.1", 5684);

    @Test
    void everyKindOfIdentityReadsBackEqual() throws Exception {
        PublicKey rpk = KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic();
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", 40000);
        for (LwM2mIdentity identity : List.of(new RpkIdentity(rpk), new X509Identity("meter-9"),
                new OscoreIdentity(new byte[] { 1, 2 }), new SocketIdentity(address))) {
            Registration registration = new Registration.Builder("id-1", "meter-9", new IpPeer(address, identity),
                    SERVER).lastUpdate(new Date()).registrationDate(new Date()).lifeTimeInSec(60L)
                    .lwM2mVersion(LwM2mVersion.V1_0).bindingMode(EnumSet.of(BindingMode.U))
                    .objectLinks(new Link[0]).build();

            String text = RegistrationCodec.encode(registration);

            assertThat(RegistrationCodec.decode(text)).as(identity.toString()).isEqualTo(registration);
            assertThat(RegistrationCodec.encode(RegistrationCodec.decode(text))).isEqualTo(text);
        }
    }

    @Test
    void aCompositeObservationReadsBackEqual() {
        CompositeObservation observation = new CompositeObservation(
                new ObservationIdentifier(SERVER, HexFormat.of().parseHex("cafe")), "id-1",
                List.of(new LwM2mPath("/16/0"), new LwM2mPath("/3/0/22")), ContentFormat.SENML_CBOR,
                ContentFormat.SENML_CBOR, Map.of(), Map.of("request", "..."));

        assertThat(ObservationCodec.decode(ObservationCodec.encode(observation))).isEqualTo(observation);
    }

    @Test
    void damagedTextIsAnErrorThatSaysWhat() {
        assertThatThrownBy(() -> RegistrationCodec.decode("{\"id\":\"x\"}"))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("a registration in Redis that cannot be read");
        assertThatThrownBy(() -> ObservationCodec.decode("not json"))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("an observation in Redis that cannot be read");
    }
}
