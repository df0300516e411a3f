package dev.modelserving.deploy.bench;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;

/**
 * Registers the benchmark-only model types ({@link ConstantModelFactory}, {@link SleepingModelFactory}) for the
 * benchmark's own jobs: a temporary directory holding a service file, added to a job's {@code pipeline.classpaths}.
 * The product's service files never name them.
 */
final class BenchModelTypes {

    private BenchModelTypes() {}

    /** A new directory whose service file names both benchmark model types; deleted when the JVM exits. */
    static Path serviceDirectory() throws IOException {
        Path dir = Files.createTempDirectory("bench-model-types");
        Path file = dir.resolve("META-INF/services/dev.modelserving.model.ModelFactory");
        Files.createDirectories(file.getParent());
        Files.writeString(
                file, ConstantModelFactory.class.getName() + "\n" + SleepingModelFactory.class.getName() + "\n");
        file.toFile().deleteOnExit();
        file.getParent().toFile().deleteOnExit();
        file.getParent().getParent().toFile().deleteOnExit();
        dir.toFile().deleteOnExit();
        return dir;
    }

    /** Adds {@code serviceDirectory} to the configuration's {@code pipeline.classpaths}. */
    static Configuration register(Configuration conf, Path serviceDirectory) throws IOException {
        URL url = serviceDirectory.toUri().toURL();
        conf.set(PipelineOptions.CLASSPATHS, List.of(url.toString()));
        return conf;
    }
}
