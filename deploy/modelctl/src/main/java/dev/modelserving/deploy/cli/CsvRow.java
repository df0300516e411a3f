package dev.modelserving.deploy.cli;

import java.util.List;

/**
 * One data row of a record CSV, as text.
 *
 * @param number 1-based number of the row among the data rows (the header does not count)
 * @param values the cells
 * @param layout what the columns mean
 */
record CsvRow(long number, List<String> values, CsvLayout layout) {

    CsvRow {
        values = List.copyOf(values);
    }

    /** The record id: the {@code id} cell, or the row number when there is no id column or the cell is empty. */
    String id() {
        String id = layout.idColumn() >= 0 ? cell(layout.idColumn()) : "";
        return id.isEmpty() ? Long.toString(number) : id;
    }

    /** The {@code key} cell, or empty. */
    String key() {
        return layout.keyColumn() >= 0 ? cell(layout.keyColumn()) : "";
    }

    /** The cell of a column; empty when the row is shorter than the header. */
    String cell(int column) {
        return column < values.size() ? values.get(column) : "";
    }

    /** Whether the row has one cell per header column. */
    boolean complete() {
        return values.size() == layout.header().size();
    }

    /** "samples.csv row 3 (id r3)": how messages name the row; rows are counted after the header. */
    String describe() {
        String idPart = layout.idColumn() >= 0 && !cell(layout.idColumn()).isEmpty()
                ? " (id " + cell(layout.idColumn()) + ")"
                : "";
        return layout.source() + " row " + number + idPart;
    }
}
