package io.github.lwm2mportfolio.server.redis;

import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;

import org.eclipse.leshan.core.peer.IpPeer;
import org.eclipse.leshan.core.peer.LwM2mIdentity;
import org.eclipse.leshan.core.peer.LwM2mPeer;
import org.eclipse.leshan.core.peer.OscoreIdentity;
import org.eclipse.leshan.core.peer.PskIdentity;
import org.eclipse.leshan.core.peer.RpkIdentity;
import org.eclipse.leshan.core.peer.SocketIdentity;
import org.eclipse.leshan.core.peer.X509Identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A device's address and DTLS identity as JSON, for the registrations kept in Redis. */
final class PeerCodec {

    private static final HexFormat HEX = HexFormat.of();

    private PeerCodec() {
    }

    static ObjectNode peer(LwM2mPeer peer) {
        if (!(peer instanceof IpPeer ip)) {
            throw new IllegalArgumentException("cannot keep a " + peer.getClass().getSimpleName() + " in Redis");
        }
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("host", ip.getSocketAddress().getHostString());
        node.put("port", ip.getSocketAddress().getPort());
        if (ip.getVirtualHost() != null) {
            node.put("sni", ip.getVirtualHost());
        }
        node.set("identity", identity(ip.getIdentity()));
        return node;
    }

    static LwM2mPeer peer(JsonNode node) {
        InetSocketAddress address = new InetSocketAddress(node.get("host").asText(), node.get("port").asInt());
        JsonNode sni = node.get("sni");
        return new IpPeer(address, sni == null ? null : sni.asText(), identity(node.get("identity")));
    }

    /** Also the key of the registration-by-identity index: equal identities give equal text. */
    static ObjectNode identity(LwM2mIdentity identity) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        if (identity instanceof PskIdentity psk) {
            node.put("psk", psk.getPskIdentity());
        } else if (identity instanceof RpkIdentity rpk) {
            node.put("rpk", HEX.formatHex(rpk.getPublicKey().getEncoded()));
        } else if (identity instanceof X509Identity x509) {
            node.put("x509", x509.getX509CommonName());
        } else if (identity instanceof OscoreIdentity oscore) {
            node.put("oscore", HEX.formatHex(oscore.getRecipientId()));
        } else if (identity instanceof SocketIdentity socket) {
            node.put("host", socket.getSocketAddress().getHostString());
            node.put("port", socket.getSocketAddress().getPort());
        } else {
            throw new IllegalArgumentException("cannot keep a " + identity.getClass().getSimpleName() + " in Redis");
        }
        return node;
    }

    static LwM2mIdentity identity(JsonNode node) {
        if (node.has("psk")) {
            return new PskIdentity(node.get("psk").asText());
        }
        if (node.has("rpk")) {
            return new RpkIdentity(publicKey(HEX.parseHex(node.get("rpk").asText())));
        }
        if (node.has("x509")) {
            return new X509Identity(node.get("x509").asText());
        }
        if (node.has("oscore")) {
            return new OscoreIdentity(HEX.parseHex(node.get("oscore").asText()));
        }
        return new SocketIdentity(new InetSocketAddress(node.get("host").asText(), node.get("port").asInt()));
    }

    private static PublicKey publicKey(byte[] encoded) {
        X509EncodedKeySpec spec = new X509EncodedKeySpec(encoded);
        for (String algorithm : new String[] { "EC", "Ed25519", "RSA" }) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(spec);
            } catch (GeneralSecurityException e) {
                // the next algorithm
            }
        }
        throw new IllegalStateException("a stored raw public key of an unknown algorithm");
    }
}
