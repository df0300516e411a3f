package dev.modelserving.job.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.model.RepositoryRoot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** README's "Job flags" table is the one generated from {@link JobOptions#ALL}. */
class JobOptionsReadmeTest {

    @Test
    void readmesTableIsTheGeneratedOne() throws Exception {
        String readme = Files.readString(RepositoryRoot.resolve("README.md"), StandardCharsets.UTF_8);

        String generated = JobOptionsReference.withTable(readme);

        assertThat(readme)
                .withFailMessage(
                        "README.md's job options table differs from the options; regenerate it with%n  %s%n"
                                + "(from the repository root) and commit README.md",
                        JobOptionsReference.COMMAND)
                .isEqualTo(generated);
    }

    @Test
    void everyRegisteredOptionHasARowInReadme() throws Exception {
        String readme = Files.readString(RepositoryRoot.resolve("README.md"), StandardCharsets.UTF_8);
        String table =
                readme.substring(readme.indexOf(JobOptionsReference.BEGIN), readme.indexOf(JobOptionsReference.END));
        List<String> rows =
                table.lines().filter(line -> line.startsWith("| `--")).toList();
        assertThat(rows).hasSize(JobOptions.ALL.size());
        for (JobOption option : JobOptions.ALL) {
            assertThat(table).contains("| `" + option.flag() + "` | `" + option.key() + "` | ");
        }
    }

    @Test
    void everyOptionIsPrefixedUniqueAndDescribed() {
        Set<String> keys = new HashSet<>();
        for (JobOption option : JobOptions.ALL) {
            assertThat(option.key()).startsWith(JobOptions.PREFIX);
            assertThat(keys.add(option.key())).as(option.key()).isTrue();
            assertThat(JobOptions.description(option)).as(option.key()).isNotBlank();
            assertThat(JobOptions.byFlagName(option.flagName())).contains(option);
        }
    }
}
