package io.github.lwm2mportfolio.server.inventory;

import java.util.List;

public record Page<T>(List<T> items, int page, int size, long total) {

    public Page {
        items = List.copyOf(items);
    }
}
