package io.github.lwm2mportfolio.server.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.jdbi.v3.core.ConnectionException;
import org.junit.jupiter.api.Test;

/** Which database failures are an outage (503) and the few words that say why, as Hikari and Jdbi chain them. */
class DatabaseOutageTest {

    @Test
    void a_pool_that_timed_out_on_a_refusing_database_is_an_outage_saying_it_refused() {
        Exception failure = new ConnectionException(new SQLTransientConnectionException(
                "portfolio-inventory - Connection is not available, request timed out after 10000ms", "08001",
                new SQLException("Connection to 127.0.0.1:5432 refused", "08001",
                        new ConnectException("Connection refused"))));

        assertThat(DatabaseOutage.isOutage(failure)).isTrue();
        assertThat(DatabaseOutage.cause(failure)).isEqualTo("it refused the connection");
    }

    @Test
    void a_hung_database_or_a_lost_connection_is_an_outage() {
        Exception hung = new ConnectionException(new SQLTransientConnectionException("timed out", null,
                new SQLException("read timed out", "08006", new SocketTimeoutException("Read timed out"))));
        Exception lost = new SQLException("An I/O error occurred while sending to the backend.", "08006");

        assertThat(DatabaseOutage.isOutage(hung)).isTrue();
        assertThat(DatabaseOutage.cause(hung)).isEqualTo("it did not answer");
        assertThat(DatabaseOutage.isOutage(lost)).isTrue();
        assertThat(DatabaseOutage.cause(lost)).isEqualTo("the connection to it was lost");
    }

    @Test
    void a_failing_statement_or_a_pool_closed_by_a_stopping_server_is_not() {
        assertThat(DatabaseOutage.isOutage(new SQLException("duplicate key value", "23505"))).isFalse();
        SQLException closedPool = new SQLException("HikariDataSource (portfolio-inventory) has been closed.");
        assertThat(DatabaseOutage.isOutage(new ConnectionException(closedPool))).isFalse();
        assertThat(DatabaseOutage.isOutage(new IllegalStateException("not a database failure"))).isFalse();
    }
}
