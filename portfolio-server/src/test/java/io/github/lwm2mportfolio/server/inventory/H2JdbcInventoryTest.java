package io.github.lwm2mportfolio.server.inventory;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/** The inventory contract on the embedded H2 file database, a new file per test. */
class H2JdbcInventoryTest extends JdbcInventoryTest {

    @TempDir
    Path directory;

    @Override
    String newDatabaseUrl() throws Exception {
        return JdbcInventory.h2Url(Files.createTempDirectory(directory, "inventory"));
    }

    @Override
    void dropDatabase() {
        // the temporary directory goes away with the test
    }
}
