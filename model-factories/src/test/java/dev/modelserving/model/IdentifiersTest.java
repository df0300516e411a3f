package dev.modelserving.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdentifiersTest {

    @Test
    void ordinaryIdentifiersPass() {
        assertThat(Identifiers.dataTypeProblem("data_type", "wine quality / red"))
                .isEmpty();
        assertThat(Identifiers.modelNameProblem("name", "ünïcode-名前")).isEmpty();
        assertThat(Identifiers.recordKeyProblem("key", "")).isEmpty();
        assertThat(Identifiers.dataTypeProblem("data_type", "x".repeat(128))).isEmpty();
    }

    @Test
    void unitSeparatorIsNamedWithItsIndex() {
        assertThat(Identifiers.dataTypeProblem("data_type", "win\u001Fe"))
                .contains("data_type contains control character U+001F at index 3");
    }

    @Test
    void otherControlCharactersAndLineSeparatorsAreRefused() {
        assertThat(Identifiers.modelNameProblem("name", "a\nb"))
                .contains("name contains control character U+000A at index 1");
        assertThat(Identifiers.modelNameProblem("name", "\u0085"))
                .contains("name contains control character U+0085 at index 0");
        assertThat(Identifiers.modelNameProblem("name", "ab\u007F"))
                .contains("name contains control character U+007F at index 2");
        assertThat(Identifiers.recordKeyProblem("key", "k\u2028"))
                .contains("key contains line separator U+2028 at index 1");
        assertThat(Identifiers.recordKeyProblem("id", "\u2029"))
                .contains("id contains line separator U+2029 at index 0");
    }

    @Test
    void lengthCapsDifferForNamesAndKeys() {
        assertThat(Identifiers.dataTypeProblem("data_type", "x".repeat(129)))
                .contains("data_type is 129 characters long, the limit is 128");
        assertThat(Identifiers.modelNameProblem("name", "x".repeat(129))).isPresent();
        assertThat(Identifiers.recordKeyProblem("key", "x".repeat(512))).isEmpty();
        assertThat(Identifiers.recordKeyProblem("key", "x".repeat(513)))
                .contains("key is 513 characters long, the limit is 512");
    }

    @Test
    void requiredIdentifiersMustNotBeBlank() {
        assertThat(Identifiers.dataTypeProblem("data_type", "")).contains("data_type is missing");
        assertThat(Identifiers.dataTypeProblem("data_type", null)).contains("data_type is missing");
        assertThat(Identifiers.modelNameProblem("name", "  ")).contains("name is blank");
        assertThat(Identifiers.recordKeyProblem("id", "  ")).isEmpty();
    }

    @Test
    void versionsStayWithinJsonSafeIntegers() {
        assertThat(Identifiers.MAX_VERSION).isEqualTo(9_007_199_254_740_991L);
        assertThat(Identifiers.versionProblem("version", Identifiers.MAX_VERSION, 1))
                .isEmpty();
        assertThat(Identifiers.versionProblem("version", Identifiers.MAX_VERSION + 1, 1))
                .contains("version 9007199254740992 is above 9007199254740991"
                        + " (2^53-1, the largest integer exact in JSON)");
        assertThat(Identifiers.versionProblem("version", 0, 1)).contains("version 0 is below 1");
        assertThat(Identifiers.versionProblem("version", 0, 0)).isEmpty();
        assertThat(Identifiers.versionProblem("version", Long.MIN_VALUE, 0)).isPresent();
    }
}
