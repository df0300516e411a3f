package dev.modelserving.deploy.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the columns of a record CSV mean, from its header: {@code id} and {@code key} identify the record,
 * {@code expected} / {@code expected_<n>} are expected outputs (ordered by n), {@code expected_label} the expected
 * label, and every other column is a feature, in column order.
 *
 * @param source the file name, for messages
 * @param header the column names
 * @param idColumn index of {@code id}, or -1
 * @param keyColumn index of {@code key}, or -1
 * @param expectedColumns indexes of the expected outputs, output 0 first
 * @param expectedLabelColumn index of {@code expected_label}, or -1
 * @param featureColumns indexes of the feature columns, in column order
 */
record CsvLayout(
        String source,
        List<String> header,
        int idColumn,
        int keyColumn,
        List<Integer> expectedColumns,
        int expectedLabelColumn,
        List<Integer> featureColumns) {

    static final String ID = "id";
    static final String KEY = "key";
    static final String EXPECTED = "expected";
    static final String EXPECTED_LABEL = "expected_label";
    private static final Pattern EXPECTED_N = Pattern.compile("expected_(\\d+)");

    CsvLayout {
        header = List.copyOf(header);
        expectedColumns = List.copyOf(expectedColumns);
        featureColumns = List.copyOf(featureColumns);
    }

    /** Reads a header; refuses blank or duplicate names and a gap in the expected_<n> numbering. */
    static CsvLayout of(String source, List<String> header) throws CliException {
        int id = -1;
        int key = -1;
        int expectedLabel = -1;
        int plainExpected = -1;
        TreeMap<Integer, Integer> numberedExpected = new TreeMap<>();
        List<Integer> features = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i);
            if (name.isBlank()) {
                throw new CliException(source + ": column " + (i + 1) + " of the header has no name");
            }
            if (!seen.add(name)) {
                throw new CliException(source + ": the header names column '" + name + "' twice");
            }
            Matcher numbered = EXPECTED_N.matcher(name);
            if (name.equals(ID)) {
                id = i;
            } else if (name.equals(KEY)) {
                key = i;
            } else if (name.equals(EXPECTED_LABEL)) {
                expectedLabel = i;
            } else if (name.equals(EXPECTED)) {
                plainExpected = i;
            } else if (numbered.matches()) {
                numberedExpected.put(Integer.parseInt(numbered.group(1)), i);
            } else {
                features.add(i);
            }
        }
        List<Integer> expected = new ArrayList<>();
        if (plainExpected >= 0) {
            if (!numberedExpected.isEmpty()) {
                throw new CliException(source + ": use either one 'expected' column or 'expected_0', 'expected_1', ..."
                        + " columns, not both");
            }
            expected.add(plainExpected);
        }
        int n = 0;
        for (var entry : numberedExpected.entrySet()) {
            if (entry.getKey() != n) {
                throw new CliException(source + ": expected output columns must be numbered from expected_0 without"
                        + " gaps; expected_" + n + " is missing");
            }
            expected.add(entry.getValue());
            n++;
        }
        return new CsvLayout(source, header, id, key, expected, expectedLabel, features);
    }

    /** Whether the file states expected results (outputs or a label). */
    boolean hasExpectations() {
        return !expectedColumns.isEmpty() || expectedLabelColumn >= 0;
    }

    /** Names of the feature columns, in column order. */
    List<String> featureNames() {
        return featureColumns.stream().map(header::get).toList();
    }
}
