package io.github.lwm2mportfolio.server.inventory;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

import io.github.lwm2mportfolio.server.access.ApiToken;
import io.github.lwm2mportfolio.server.access.IssuedToken;
import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.access.TokenSecrets;
import io.github.lwm2mportfolio.server.access.TokenStore;

/** The API tokens in the {@code api_tokens} table: a name, a role and the token's hash. */
final class TokenTable implements TokenStore {

    private static final RowMapper<ApiToken> TOKEN = (rs, ctx) -> new ApiToken(rs.getString("name"),
            Role.valueOf(rs.getString("role")), Instant.ofEpochMilli(rs.getLong("created_at")));

    private final Jdbi jdbi;
    private final RetryingTransactions transactions;
    private final Clock clock;

    TokenTable(Jdbi jdbi, RetryingTransactions transactions, Clock clock) {
        this.jdbi = jdbi;
        this.transactions = transactions;
        this.clock = clock;
    }

    @Override
    public IssuedToken create(String name, Role role) {
        TokenSecrets.checkName(name);
        if (role == null) {
            throw new IllegalArgumentException("a token needs a role");
        }
        Instant now = clock.instant();
        ApiToken token = new ApiToken(name, role, Instant.ofEpochMilli(now.toEpochMilli()));
        return transactions.write(h -> {
            if (h.createQuery("SELECT COUNT(*) FROM api_tokens WHERE name = ?").bind(0, name).mapTo(Long.class)
                    .one() > 0) {
                throw new DuplicateTokenException(name);
            }
            String secret;
            byte[] hash;
            do { // a clash of 64-bit lookup keys is all but impossible; draw again if it happens
                secret = TokenSecrets.newToken();
                hash = TokenSecrets.hash(secret);
            } while (h.createQuery("SELECT COUNT(*) FROM api_tokens WHERE lookup_key = ?")
                    .bind(0, TokenSecrets.lookupKey(hash)).mapTo(Long.class).one() > 0);
            h.createUpdate("INSERT INTO api_tokens (name, role, lookup_key, token_hash, created_at) "
                    + "VALUES (?, ?, ?, ?, ?)").bind(0, name).bind(1, role.name())
                    .bind(2, TokenSecrets.lookupKey(hash)).bind(3, hash).bind(4, now.toEpochMilli()).execute();
            return new IssuedToken(token, secret);
        });
    }

    @Override
    public List<ApiToken> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT name, role, created_at FROM api_tokens ORDER BY name")
                .map(TOKEN).list());
    }

    @Override
    public boolean revoke(String name) {
        return transactions.write(h -> h.createUpdate("DELETE FROM api_tokens WHERE name = ?").bind(0, name)
                .execute() > 0);
    }

    @Override
    public Optional<ApiToken> authenticate(String presented) {
        if (!TokenSecrets.looksLikeToken(presented)) {
            return Optional.empty();
        }
        byte[] hash = TokenSecrets.hash(presented);
        return jdbi.withHandle(h -> h.createQuery(
                "SELECT name, role, created_at, token_hash FROM api_tokens WHERE lookup_key = ?")
                .bind(0, TokenSecrets.lookupKey(hash))
                .map((rs, ctx) -> TokenSecrets.sameHash(hash, rs.getBytes("token_hash")) ? TOKEN.map(rs, ctx) : null)
                .findFirst());
    }

    @Override
    public boolean isEmpty() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM api_tokens").mapTo(Long.class).one() == 0);
    }
}
