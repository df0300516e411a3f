package dev.modelserving.job.describe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.job.ServingJobConfig;
import dev.modelserving.model.RepositoryRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's picture of the job is the one {@code ServingJob --describe mermaid} prints for the flags its marker
 * names, so it cannot fall behind the job. With {@code -Dreadme.update=true} the test rewrites the block instead.
 */
class ReadmePictureTest {

    /** {@code <!-- BEGIN PICTURE: ServingJob --describe mermaid <flags> -->} ... {@code <!-- END PICTURE -->}. */
    static final Pattern BLOCK = Pattern.compile(
            "<!-- BEGIN PICTURE: ServingJob --describe mermaid(?<flags>[^>]*?) -->\\n(?<body>.*?)<!-- END PICTURE -->",
            Pattern.DOTALL);

    static final String REGENERATE = "./mvnw -o -pl flink-job/job -am test -Dtest=ReadmePictureTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dreadme.update=true";

    @Test
    void readmeShowsThePictureOfTheRealJob() throws IOException {
        Path readme = RepositoryRoot.resolve("README.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        Matcher block = BLOCK.matcher(text);
        assertThat(block.find())
                .as("README.md has a <!-- BEGIN PICTURE: ... --> block")
                .isTrue();
        String expected = "```mermaid\n" + mermaid(block.group("flags")) + "```\n";
        if (Boolean.getBoolean("readme.update")) {
            String updated = text.substring(0, block.start("body")) + expected + text.substring(block.end("body"));
            Files.writeString(readme, updated, StandardCharsets.UTF_8);
            return;
        }
        assertThat(block.group("body"))
                .as("README.md's picture differs from what the job describes; regenerate it with: " + REGENERATE)
                .isEqualTo(expected);
        assertThat(block.find()).as("one picture block only").isFalse();
    }

    private static String mermaid(String flags) {
        List<String> args = new ArrayList<>(Arrays.asList(flags.trim().split("\\s+")));
        args.removeIf(String::isEmpty);
        args.addAll(List.of("--bootstrap-servers", "127.0.0.1:9092"));
        ServingJobConfig config = ServingJobConfig.fromArgs(args.toArray(String[]::new));
        return PictureFormat.MERMAID.render(DescribeCommand.picture(config));
    }
}
