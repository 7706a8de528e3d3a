package io.github.lwm2mportfolio.server;

import java.net.InetSocketAddress;

import org.eclipse.californium.elements.Connector;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.DtlsClusterConnector;
import org.eclipse.californium.scandium.DtlsClusterConnector.ClusterNodesProvider;
import org.eclipse.californium.scandium.config.DtlsClusterConnectorConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.ConnectionIdGenerator;
import org.eclipse.californium.scandium.dtls.MultiNodeConnectionIdGenerator;
import org.eclipse.californium.scandium.dtls.SingleNodeConnectionIdGenerator;

/**
 * The DTLS connector of the CoAPs endpoint, always with a DTLS Connection ID (RFC 9146): a device that offers the
 * extension puts the server's CID in its records, so its session survives a change of its address (a NAT rebinding)
 * without a new handshake. Among several nodes the CID's first byte is this node's id, for a load balancer that
 * routes by CID; with a cluster address the node also hands the records whose CID names another node to that node
 * (Scandium's {@link DtlsClusterConnector}), for a load balancer that routes by source address only.
 */
final class DtlsConnectors {

    /** Californium's recommended length; the first byte names the node when there are several. */
    static final int CID_LENGTH = 6;

    private final ConnectionIdGenerator connectionIds;
    private final InetSocketAddress clusterAddress;
    private final ClusterNodesProvider clusterNodes;
    private volatile DtlsClusterConnector clusterConnector;

    private DtlsConnectors(ConnectionIdGenerator connectionIds, InetSocketAddress clusterAddress,
            ClusterNodesProvider clusterNodes) {
        this.connectionIds = connectionIds;
        this.clusterAddress = clusterAddress;
        this.clusterNodes = clusterNodes;
    }

    /** A server alone: random CIDs. */
    static DtlsConnectors alone() {
        return new DtlsConnectors(new SingleNodeConnectionIdGenerator(CID_LENGTH), null, null);
    }

    /** One of several nodes (id 0 to 255, its own) behind a load balancer that routes by CID. */
    static DtlsConnectors node(int nodeId) {
        return new DtlsConnectors(new MultiNodeConnectionIdGenerator(nodeId, CID_LENGTH), null, null);
    }

    /**
     * One of several nodes that also forwards records whose CID names another node, to that node's cluster address
     * as {@code nodes} knows it, and takes such records on {@code clusterAddress} (port 0: any free port).
     */
    static DtlsConnectors forwarding(int nodeId, InetSocketAddress clusterAddress, ClusterNodesProvider nodes) {
        return new DtlsConnectors(new MultiNodeConnectionIdGenerator(nodeId, CID_LENGTH), clusterAddress, nodes);
    }

    /** The connector of this configuration, with this server's Connection IDs. */
    Connector create(DtlsConnectorConfig.Builder config) {
        DtlsConnectorConfig withCid = config.setConnectionIdGenerator(connectionIds).build();
        if (clusterAddress == null) {
            return new DTLSConnector(withCid);
        }
        DtlsClusterConnector connector = new DtlsClusterConnector(withCid,
                DtlsClusterConnectorConfig.builder().setAddress(clusterAddress).build(), clusterNodes);
        clusterConnector = connector;
        return connector;
    }

    /** The address this node takes forwarded records on, once its endpoint started; null without forwarding. */
    InetSocketAddress boundClusterAddress() {
        DtlsClusterConnector connector = clusterConnector;
        return connector == null ? null : connector.getClusterInternalAddress();
    }
}
