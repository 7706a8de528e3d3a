package io.github.lwm2mportfolio.server.inventory;

import static io.github.lwm2mportfolio.server.inventory.InputChecks.isBlank;
import static io.github.lwm2mportfolio.server.inventory.InputChecks.requireEndpoint;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The devices' DTLS credentials, one per endpoint, each PSK identity held by one endpoint at most; PSKs sealed
 * ({@link SecretSealer}) in the database.
 */
final class CredentialTable {

    private static final String COLUMNS = "endpoint, kind, psk_identity, secret, secret_sealed";

    private final Jdbi jdbi;
    private final RetryingTransactions transactions;
    private final SecretSealer sealer;
    /** A row as a credential, its PSK opened. */
    private final RowMapper<DeviceCredential> rows;

    CredentialTable(Jdbi jdbi, RetryingTransactions transactions, SecretSealer sealer) {
        this.jdbi = jdbi;
        this.transactions = transactions;
        this.sealer = sealer;
        this.rows = (rs, ctx) -> {
            String endpoint = rs.getString(1);
            byte[] secret = rs.getBytes(4);
            return new DeviceCredential(endpoint, DeviceCredential.Kind.valueOf(rs.getString(2)), rs.getString(3),
                    rs.getBoolean(5) ? sealer.open(secret, context(endpoint)) : secret);
        };
        sealLegacyRows();
        checkKey();
    }

    /** What a sealed PSK is bound to: its endpoint, so that a value copied to another row does not open. */
    private static String context(String endpoint) {
        return "psk " + endpoint;
    }

    /** Refuses to start with a key that does not open the stored PSKs, rather than fail each DTLS handshake. */
    private void checkKey() {
        jdbi.useHandle(h -> h.createQuery("SELECT endpoint, secret FROM credentials WHERE secret_sealed = TRUE "
                + "ORDER BY endpoint LIMIT 1").map((rs, ctx) -> sealer.open(rs.getBytes(2), context(rs.getString(1))))
                .findFirst());
    }

    /** Seals the PSKs of rows written before PSKs were sealed. */
    private void sealLegacyRows() {
        transactions.write(h -> {
            h.createQuery("SELECT endpoint, secret FROM credentials WHERE kind = 'PSK' AND secret_sealed = FALSE")
                    .map((rs, ctx) -> new Object[] { rs.getString(1), rs.getBytes(2) }).list()
                    .forEach(row -> h.createUpdate(
                            "UPDATE credentials SET secret = ?, secret_sealed = TRUE WHERE endpoint = ?")
                            .bind(0, sealer.seal((byte[]) row[1], context((String) row[0]))).bind(1, (String) row[0])
                            .execute());
            return null;
        });
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
            boolean sealed = credential.kind() == DeviceCredential.Kind.PSK;
            byte[] stored = sealed ? sealer.seal(credential.secret(), context(credential.endpoint()))
                    : credential.secret();
            int updated = h.createUpdate("UPDATE credentials SET kind = ?, psk_identity = ?, secret = ?, "
                    + "secret_sealed = ? WHERE endpoint = ?")
                    .bind(0, credential.kind().name()).bind(1, credential.pskIdentity())
                    .bind(2, stored).bind(3, sealed).bind(4, credential.endpoint()).execute();
            if (updated == 0) {
                h.createUpdate("INSERT INTO credentials (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)")
                        .bind(0, credential.endpoint()).bind(1, credential.kind().name())
                        .bind(2, credential.pskIdentity()).bind(3, stored).bind(4, sealed).execute();
            }
            return null;
        });
    }

    Optional<DeviceCredential> credential(String endpoint) {
        requireEndpoint(endpoint);
        return jdbi.withHandle(h -> h.createQuery(
                "SELECT " + COLUMNS + " FROM credentials WHERE endpoint = ?")
                .bind(0, endpoint).map(rows).findOne());
    }

    Optional<DeviceCredential> credentialByPskIdentity(String pskIdentity) {
        if (pskIdentity == null) {
            return Optional.empty();
        }
        return jdbi.withHandle(h -> h.createQuery(
                "SELECT " + COLUMNS + " FROM credentials WHERE psk_identity = ?")
                .bind(0, pskIdentity).map(rows).findOne());
    }

    List<DeviceCredential> credentials() {
        return jdbi.withHandle(h -> h.createQuery(
                "SELECT " + COLUMNS + " FROM credentials ORDER BY endpoint")
                .map(rows).list());
    }

    boolean removeCredential(String endpoint) {
        requireEndpoint(endpoint);
        return transactions.write(h -> h.createUpdate("DELETE FROM credentials WHERE endpoint = ?").bind(0, endpoint)
                .execute() > 0);
    }
}
