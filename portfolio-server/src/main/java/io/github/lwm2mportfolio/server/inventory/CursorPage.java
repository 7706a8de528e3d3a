package io.github.lwm2mportfolio.server.inventory;

import java.util.List;

/**
 * A page of a list read by cursor.
 *
 * @param next the cursor of the following page (the last key of this one), null when this page is the last
 * @param total how many items the whole list has, null when it was not asked for
 */
public record CursorPage<T>(List<T> items, int limit, String next, Long total) {

    public CursorPage {
        items = List.copyOf(items);
    }
}
