package dev.modelserving.deploy.cli;

import java.io.PrintWriter;
import java.util.List;

/** Plain-text tables of the reading commands: left-aligned columns two spaces apart, the last one not padded. */
final class Tables {

    private Tables() {}

    /** Prints the rows (the first is the header); every row has the header's number of columns. */
    static void print(PrintWriter out, List<String[]> rows) {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                line.append(c == columns - 1 ? row[c] : String.format("%-" + widths[c] + "s  ", row[c]));
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
