package dev.modelserving.deploy.cli;

import dev.modelserving.deploy.kafka.ProtoPublisher;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.proto.ModelAction;
import dev.modelserving.proto.ModelDescriptor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code modelctl publish}: sends descriptor files to the model topic of running serving jobs, after loading and
 * validating each one here exactly as the job will (so a broken model never reaches the topic). The record key is
 * the data type, so the descriptors of one data type stay in order.
 */
@Command(
        name = "publish",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Publishes descriptor files (made with `modelctl descriptor`) to the serving job's model topic. Each is"
                    + " loaded and validated first; the Kafka record key is its data type."
        })
final class PublishCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @ParentCommand
    private ModelCli cli;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = "--bootstrap-server", required = true, paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Kafka brokers to connect to.")
    private String bootstrapServer;

    @Option(names = "--topic", defaultValue = "models", paramLabel = "TOPIC",
            description = "The serving job's model topic (default ${DEFAULT-VALUE}).")
    private String topic;

    @Option(names = "--allowed-root", paramLabel = "DIR",
            description = "Directory that artifact locations may point into when validating (repeatable).")
    private List<Path> allowedRoots = new ArrayList<>();

    @Option(names = "--no-validate", description = "Publish without loading and validating the model first.")
    private boolean noValidate;

    @picocli.CommandLine.Parameters(arity = "1..*", paramLabel = "DESCRIPTOR",
            description = "Descriptor files (binary ModelDescriptor), published in this order.")
    private List<Path> files;

    @Override
    public Integer call() throws CliException {
        List<ModelDescriptor> descriptors = new ArrayList<>();
        for (Path file : files) {
            ModelDescriptor descriptor = DescriptorFiles.read(file);
            if (!noValidate && descriptor.getAction() == ModelAction.DEPLOY) {
                try (Model ignored = cli.loader(allowedRoots).load(descriptor)) {
                    // Loaded and validated: the job will accept it (unless a newer version already serves).
                } catch (ModelLoadException e) {
                    throw new CliException(file + ": not published: " + e.getMessage(), e);
                }
            }
            descriptors.add(descriptor);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (ProtoPublisher publisher = new ProtoPublisher(bootstrapServer, "modelctl")) {
            for (int i = 0; i < descriptors.size(); i++) {
                ModelDescriptor d = descriptors.get(i);
                RecordMetadata written = publisher.sendAndWait(topic, d.getDataType(), d);
                out.printf("published %s v%d (%s, data type %s) to %s-%d at offset %d%n", d.getName(),
                        d.getVersion(), d.getAction() == ModelAction.DEPLOY ? d.getModelType() : d.getAction(),
                        d.getDataType(), written.topic(), written.partition(), written.offset());
            }
        } catch (IllegalStateException e) {
            throw new CliException("cannot publish to " + bootstrapServer + ": " + e.getMessage(), e);
        }
        out.flush();
        return 0;
    }
}
