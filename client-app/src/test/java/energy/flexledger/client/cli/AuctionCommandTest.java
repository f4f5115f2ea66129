package energy.flexledger.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What {@code flexledger auction} makes of its options, without a network. */
class AuctionCommandTest {
    private static AuctionCommand parse(final String... args) {
        final CommandLine cli = new CommandLine(new FlexLedgerCli());
        final List<CommandLine> parsed = cli.parseArgs(args).asCommandLineList();
        return (AuctionCommand) parsed.get(parsed.size() - 1).getCommand();
    }

    @Test
    void auctionsRunOnTheCommunityChannelUnlessOneIsNamed() {
        assertThat(parse("auction", "list").channel()).isEqualTo("community");
        assertThat(parse("--channel", "grid", "auction", "list").channel()).isEqualTo("grid");
        assertThat(parse("auction", "--channel", "grid", "list").channel()).isEqualTo("grid");
    }

    @Test
    void timesAreEpochMillisecondsOrOffsetsFromNow() {
        final AuctionCommand auction = parse("auction", "open");
        assertThat(auction.time("1796312296005", 0, "--gate-closure")).isEqualTo(1_796_312_296_005L);
        assertThat(auction.time("+30s", 1_000, "--gate-closure")).isEqualTo(31_000);
        assertThat(auction.time("+30", 1_000, "--gate-closure")).isEqualTo(31_000);
        assertThat(auction.time("+2m", 0, "--reveal-by")).isEqualTo(120_000);
        assertThat(auction.time("+1h", 0, "--reveal-by")).isEqualTo(3_600_000);
        for (final String bad : List.of("+", "+3d", "soon", "+xs")) {
            assertThatThrownBy(() -> auction.time(bad, 0, "--gate-closure")).isInstanceOf(CommandLine.ParameterException.class)
                    .hasMessageContaining("--gate-closure");
        }
    }
}
