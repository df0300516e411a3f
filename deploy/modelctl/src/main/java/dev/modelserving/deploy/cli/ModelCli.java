package dev.modelserving.deploy.cli;

import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.ModelLoader;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code modelctl}: the command users run before publishing a model. {@code descriptor} turns a model file into a
 * validated {@code ModelDescriptor}, {@code score} scores a CSV with a descriptor (no Flink), {@code show} prints a
 * descriptor as JSON, {@code publish}, {@code rollback} and {@code remove} write to the model topic, {@code list}
 * and {@code tail} read the job's output topics; {@code keygen}, {@code sign} and {@code verify} make and check the
 * signatures a job run with {@code --require-signatures} asks for.
 *
 * <p>Exit codes: 0 success, 1 failure (reported as one line {@code modelctl: ...} on stderr), 2 usage error,
 * 3 {@code score} finished but some rows could not be scored.
 */
@Command(
        name = "modelctl",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = "Makes, checks, tries and publishes model descriptors for the serving job; lists, rolls back"
                + " and removes the models it serves; tails its results, dead letters and model events; shows how"
                + " each model serves (status) and which model produced a result (explain).",
        subcommands = {
            DescriptorCommand.class,
            ScoreCommand.class,
            ShowCommand.class,
            PublishCommand.class,
            ListCommand.class,
            RollbackCommand.class,
            RemoveCommand.class,
            TailCommand.class,
            SamplesCommand.class,
            KeygenCommand.class,
            SignCommand.class,
            VerifyCommand.class,
            StatusCommand.class,
            ExplainCommand.class,
            MachineCommand.class,
            RpmConfigCommand.class,
            CommandLine.HelpCommand.class
        },
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  success",
            "  1  failure (one line on stderr; --verbose adds the stack trace)",
            "  2  usage error",
            "  3  score: some rows could not be scored"
        })
public final class ModelCli implements Runnable {

    /** Prefix of every message the tool prints on stderr. */
    static final String PREFIX = "modelctl: ";

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces with errors.")
    private boolean verbose;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    private final Function<LoadPolicy, ModelLoader> loaders;
    private final InputStream stdin;

    /** The real tool: factories found with ServiceLoader, standard input from the process. */
    public ModelCli() {
        this(ModelLoader::withDiscoveredFactories, System.in);
    }

    /**
     * A tool with chosen factories and standard input (embedding, tests).
     *
     * @param loaders builds the loader used for a policy (allowed roots come from {@code --allowed-root})
     * @param stdin what {@code -} reads
     */
    public ModelCli(Function<LoadPolicy, ModelLoader> loaders, InputStream stdin) {
        this.loaders = Objects.requireNonNull(loaders, "loaders");
        this.stdin = Objects.requireNonNull(stdin, "stdin");
    }

    public static void main(String[] args) {
        System.exit(commandLine(new ModelCli()).execute(args));
    }

    /**
     * The command line as {@link #main} runs it: one-line errors (exit 1), usage errors (exit 2), enum values in any
     * case.
     */
    public static CommandLine commandLine(ModelCli cli) {
        CommandLine commandLine = new CommandLine(cli);
        commandLine.setExecutionExceptionHandler(new ErrorReporter());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        return commandLine;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(),
                "missing command: descriptor, score, show,"
                        + " publish, list, rollback, remove, tail, samples, keygen, sign or verify");
    }

    /** A loader for the discovered (or injected) factories that accepts locations under these roots. */
    ModelLoader loader(List<Path> allowedRoots) {
        return loaders.apply(LoadPolicy.defaults().withAllowedRoots(allowedRoots));
    }

    InputStream stdin() {
        return stdin;
    }
}
