package dev.modelserving.deploy.cli;

import dev.modelserving.model.ModelFactories;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code modelctl --version}: the project version from the jar's Maven descriptor and the model types available. */
final class VersionProvider implements IVersionProvider {

    private static final String POM_PROPERTIES = "/META-INF/maven/dev.modelserving/deploy/pom.properties";

    @Override
    public String[] getVersion() throws IOException {
        String version = "development build";
        try (InputStream in = VersionProvider.class.getResourceAsStream(POM_PROPERTIES)) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                version = properties.getProperty("version", version);
            }
        }
        String types = String.join(
                ", ",
                ModelFactories.discover(VersionProvider.class.getClassLoader()).types());
        return new String[] {
            "modelctl " + version,
            "model types: " + (types.isEmpty() ? "(none found on the class path)" : types),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "unknown vendor") + ")"
        };
    }
}
