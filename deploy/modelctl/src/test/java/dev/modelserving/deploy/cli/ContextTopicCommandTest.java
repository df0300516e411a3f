package dev.modelserving.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The {@code --topic} of every context subcommand: each context's own default when the flag is absent (also on a
 * second parse after a run that gave one), the given topic when present, and the default named in the help.
 */
class ContextTopicCommandTest {

    private static final CommandLine ROOT = ModelCli.commandLine(new ModelCli());

    /** The topic the subcommand takes from these arguments, parsed as {@code modelctl} parses them. */
    private static String topicAfter(String context, String subcommand, String... args) {
        List<CommandLine> parsed =
                ROOT.parseArgs(concat(new String[] {context, subcommand}, args)).asCommandLineList();
        return ((ContextTopicCommand) parsed.get(2).getCommand()).topic();
    }

    @Test
    void eachContextHasItsOwnDefaultTopicAndTakesTheGivenOne() {
        for (String subcommand : List.of("set", "show", "remove")) {
            String[] required = subcommand.equals("show") ? new String[0] : new String[] {"--id", "m-1"};
            String[] base = concat(new String[] {"--bootstrap-server", "localhost:1"}, required);
            if (subcommand.equals("set")) {
                base = concat(base, new String[] {"--curve", "30:800", "--alert-temperature", "85"});
            }
            assertThat(topicAfter("machine", subcommand, base)).isEqualTo(MachineCommand.DEFAULT_TOPIC);
            assertThat(topicAfter("machine", subcommand, concat(base, new String[] {"--topic", "machines"})))
                    .isEqualTo("machines");
            assertThat(topicAfter("machine", subcommand, base)).isEqualTo(MachineCommand.DEFAULT_TOPIC);
        }
        for (String subcommand : List.of("set", "show")) {
            assertThat(topicAfter("rpm-config", subcommand, "--bootstrap-server", "localhost:1"))
                    .isEqualTo(RpmConfigCommand.DEFAULT_TOPIC);
            assertThat(topicAfter("rpm-config", subcommand, "--bootstrap-server", "localhost:1", "--topic", "rpm"))
                    .isEqualTo("rpm");
            assertThat(topicAfter("rpm-config", subcommand, "--bootstrap-server", "localhost:1"))
                    .isEqualTo(RpmConfigCommand.DEFAULT_TOPIC);
        }
        assertThat(ROOT.getSubcommands()
                        .get("machine")
                        .getSubcommands()
                        .get("show")
                        .getUsageMessage())
                .contains("The context topic (default machine-properties).");
        assertThat(ROOT.getSubcommands()
                        .get("rpm-config")
                        .getSubcommands()
                        .get("set")
                        .getUsageMessage())
                .contains("The context topic (default rpm-monitoring-config).");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
