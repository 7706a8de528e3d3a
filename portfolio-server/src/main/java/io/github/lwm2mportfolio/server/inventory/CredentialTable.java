package io.github.lwm2mportfolio.server.inventory;

import static io.github.lwm2mportfolio.server.inventory.InputChecks.isBlank;
import static io.github.lwm2mportfolio.server.inventory.InputChecks.requireEndpoint;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** The devices' DTLS credentials, one per endpoint, each PSK identity held by one endpoint at most. */
final class CredentialTable {

    private static final RowMapper<DeviceCredential> CREDENTIAL = (rs, ctx) -> new DeviceCredential(
            rs.getString(1), DeviceCredential.Kind.valueOf(rs.getString(2)), rs.getString(3), rs.getBytes(4));

    private final Jdbi jdbi;
    private final RetryingTransactions transactions;

    CredentialTable(Jdbi jdbi, RetryingTransactions transactions) {
        this.jdbi = jdbi;
        this.transactions = transactions;
    }

    void putCredential(DeviceCredential credential) {
        Objects.requireNonNull(credential, "credential");
        requireEndpoint(credential.endpoint());
        if (credential.kind() == null) {
            throw new IllegalArgumentException("the credential of " + credential.endpoint() + " has no kind");
        }
        switch (credential.kind()) {
            case PSK -> {
                if (isBlank(credential.pskIdentity())) {
                    throw new IllegalArgumentException("a PSK credential needs a PSK identity");
                }
                if (credential.secret() == null || credential.secret().length == 0) {
                    throw new IllegalArgumentException("a PSK credential needs a key");
                }
            }
            case RPK -> {
                if (credential.secret() == null || credential.secret().length == 0) {
                    throw new IllegalArgumentException("an RPK credential needs the device's public key");
                }
            }
            case X509 -> {
                // the certificate's CN names the endpoint; nothing to keep
            }
        }
        if (credential.kind() != DeviceCredential.Kind.PSK && credential.pskIdentity() != null) {
            throw new IllegalArgumentException("only a PSK credential has a PSK identity");
        }
        transactions.write(h -> {
            if (credential.pskIdentity() != null) {
                Optional<String> holder = h.createQuery(
                        "SELECT endpoint FROM credentials WHERE psk_identity = ? AND endpoint <> ?")
                        .bind(0, credential.pskIdentity()).bind(1, credential.endpoint())
                        .mapTo(String.class).findOne();
                if (holder.isPresent()) {
                    throw new IllegalArgumentException("the PSK identity " + credential.pskIdentity()
                            + " is already used by endpoint " + holder.get());
                }
            }
            int updated = h.createUpdate(
                    "UPDATE credentials SET kind = ?, psk_identity = ?, secret = ? WHERE endpoint = ?")
                    .bind(0, credential.kind().name()).bind(1, credential.pskIdentity())
                    .bind(2, credential.secret()).bind(3, credential.endpoint()).execute();
            if (updated == 0) {
                h.createUpdate("INSERT INTO credentials (endpoint, kind, psk_identity, secret) VALUES (?, ?, ?, ?)")
                        .bind(0, credential.endpoint()).bind(1, credential.kind().name())
                        .bind(2, credential.pskIdentity()).bind(3, credential.secret()).execute();
            }
            return null;
        });
    }

    Optional<DeviceCredential> credential(String endpoint) {
        requireEndpoint(endpoint);
        return jdbi.withHandle(h -> h.createQuery(
                "SELECT endpoint, kind, psk_identity, secret FROM credentials WHERE endpoint = ?")
                .bind(0, endpoint).map(CREDENTIAL).findOne());
    }

    Optional<DeviceCredential> credentialByPskIdentity(String pskIdentity) {
        if (pskIdentity == null) {
            return Optional.empty();
        }
        return jdbi.withHandle(h -> h.createQuery(
                "SELECT endpoint, kind, psk_identity, secret FROM credentials WHERE psk_identity = ?")
                .bind(0, pskIdentity).map(CREDENTIAL).findOne());
    }

    List<DeviceCredential> credentials() {
        return jdbi.withHandle(h -> h.createQuery(
                "SELECT endpoint, kind, psk_identity, secret FROM credentials ORDER BY endpoint")
                .map(CREDENTIAL).list());
    }

    boolean removeCredential(String endpoint) {
        requireEndpoint(endpoint);
        return transactions.write(h -> h.createUpdate("DELETE FROM credentials WHERE endpoint = ?").bind(0, endpoint)
                .execute() > 0);
    }
}
