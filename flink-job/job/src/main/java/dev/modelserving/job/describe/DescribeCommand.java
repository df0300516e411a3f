package dev.modelserving.job.describe;

import dev.modelserving.job.KafkaServingIo;
import dev.modelserving.job.ServingJob;
import dev.modelserving.job.ServingJobConfig;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * {@code ServingJob --describe mermaid|dot [job flags]}: builds the job the flags define, exactly as it would run
 * (with its Kafka sources and sinks, without connecting to anything or executing it), and prints its picture. The
 * brokers do not change the picture, so {@code --bootstrap-servers} may be left out.
 */
public final class DescribeCommand {

    /** Stands in for {@code --bootstrap-servers} when describing: nothing connects to it. */
    static final String PLACEHOLDER_BROKERS = "describe.invalid:9092";

    private DescribeCommand() {}

    /** Whether the command line asks for the picture. */
    public static boolean requested(String... args) {
        return Arrays.stream(args)
                .anyMatch(a -> a.equals("--describe") || a.equals("--" + DescribeOptions.DESCRIBE.key()));
    }

    /** Prints the picture the command line asks for; returns the process exit code (2 for bad flags). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        ServingJobConfig config;
        try {
            config = ServingJobConfig.fromArgs(withBrokers(args));
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        PictureFormat format = config.describe().orElseThrow();
        out.print(format.render(picture(config)));
        out.flush();
        return 0;
    }

    /** The picture of the job {@code config} defines, read from the stream graph of the job as it would run. */
    public static SystemPicture picture(ServingJobConfig config) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        new ServingJob(config, new KafkaServingIo(config)).build(env);
        return picture(env.getStreamGraph(false), config);
    }

    /** The picture of a stream graph built from {@code config}. */
    public static SystemPicture picture(StreamGraph graph, ServingJobConfig config) {
        return StreamGraphReader.read(graph, config, ServingJob.jobName(config));
    }

    private static String[] withBrokers(String[] args) {
        if (Arrays.asList(args).contains("--bootstrap-servers")) {
            return args;
        }
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("--bootstrap-servers");
        all.add(PLACEHOLDER_BROKERS);
        return all.toArray(String[]::new);
    }
}
