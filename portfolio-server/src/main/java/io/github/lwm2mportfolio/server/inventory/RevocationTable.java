package io.github.lwm2mportfolio.server.inventory;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

import io.github.lwm2mportfolio.server.Revocations;

/** The revoked device certificates, kept so that a list set through the REST API survives a restart. */
final class RevocationTable {

    private static final String SERIAL = "serial";
    private static final String FINGERPRINT = "sha256";

    private final Jdbi jdbi;
    private final RetryingTransactions transactions;

    RevocationTable(Jdbi jdbi, RetryingTransactions transactions) {
        this.jdbi = jdbi;
        this.transactions = transactions;
    }

    Revocations revocations() {
        Set<BigInteger> serials = new HashSet<>();
        Set<String> fingerprints = new HashSet<>();
        jdbi.useHandle(h -> h.createQuery("SELECT entry_kind, entry_value FROM revocations").map((rs, ctx) -> {
            if (SERIAL.equals(rs.getString(1))) {
                serials.add(new BigInteger(rs.getString(2), 16));
            } else {
                fingerprints.add(rs.getString(2));
            }
            return null;
        }).list());
        return new Revocations(serials, fingerprints);
    }

    void replace(Revocations revocations) {
        Objects.requireNonNull(revocations, "revocations");
        transactions.write(h -> {
            h.createUpdate("DELETE FROM revocations").execute();
            PreparedBatch batch = h.prepareBatch("INSERT INTO revocations (entry_kind, entry_value) VALUES (?, ?)");
            revocations.serials().forEach(serial -> batch.bind(0, SERIAL).bind(1, serial.toString(16)).add());
            revocations.fingerprints().forEach(fingerprint -> batch.bind(0, FINGERPRINT).bind(1, fingerprint).add());
            if (batch.size() > 0) {
                batch.execute();
            }
            return null;
        });
    }
}
