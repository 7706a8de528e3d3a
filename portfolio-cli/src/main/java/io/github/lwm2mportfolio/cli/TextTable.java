package io.github.lwm2mportfolio.cli;

import java.util.List;
import java.util.function.IntPredicate;

/** Rows of cells as aligned terminal text: columns two spaces apart, no trailing blanks. */
public final class TextTable {

    private TextTable() {
    }

    /**
     * @param rows every row has the same number of cells
     * @param leftAligned which columns are text (padded on the right); the others are numbers (padded on the left)
     */
    public static String align(List<List<String>> rows, IntPredicate leftAligned) {
        int columns = rows.isEmpty() ? 0 : rows.get(0).size();
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int column = 0; column < columns; column++) {
                widths[column] = Math.max(widths[column], row.get(column).length());
            }
        }
        StringBuilder table = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int column = 0; column < columns; column++) {
                String cell = row.get(column);
                String padding = " ".repeat(widths[column] - cell.length());
                line.append(column == 0 ? "" : "  ");
                line.append(leftAligned.test(column) ? cell + padding : padding + cell);
            }
            table.append(line.toString().stripTrailing()).append('\n');
        }
        return table.toString();
    }
}
