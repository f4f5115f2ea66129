package energy.flexledger.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What {@code flexledger bench-market} and {@code bench-dr} make of their options, without a network. */
class BenchCommandsTest {
    private static Object parse(final String... args) {
        final CommandLine cli = new CommandLine(new FlexLedgerCli());
        final List<CommandLine> parsed = cli.parseArgs(args).asCommandLineList();
        return parsed.get(parsed.size() - 1).getCommand();
    }

    @Test
    void benchMarketDefaultsAndIdentities() {
        final BenchMarketCommand plain = (BenchMarketCommand) parse("bench-market");
        assertThat(plain.offers).isEqualTo(1000);
        assertThat(plain.identities).isNull();
        final BenchMarketCommand named = (BenchMarketCommand) parse("bench-market", "--offers", "10", "--identities", "cpo-user,aggregator-admin");
        assertThat(named.offers).isEqualTo(10);
        assertThat(named.identities).containsExactly("cpo-user", "aggregator-admin");
        assertThat(BenchMarketCommand.defaultProvider("cpo-user")).isTrue();
        assertThat(BenchMarketCommand.defaultProvider("aggregator-device")).isTrue();
        assertThat(BenchMarketCommand.defaultProvider("cpo-spare")).isFalse();
        assertThat(BenchMarketCommand.offerId(7)).isEqualTo("o00007");
    }

    @Test
    void benchMarketTimesLeaveRoomForEveryOffer() {
        assertThat(BenchMarketCommand.deadlineSeconds(1000, null)).isEqualTo(130);
        assertThat(BenchMarketCommand.deadlineSeconds(1000, 60L)).isEqualTo(60);
        assertThat(BenchMarketCommand.revealSeconds(1000)).isEqualTo(155);
        assertThat(BenchMarketCommand.quarterAtOrAfter(900_000L)).isEqualTo(900_000L);
        assertThat(BenchMarketCommand.quarterAtOrAfter(900_001L)).isEqualTo(1_800_000L);
    }

    @Test
    void benchDrLookbackTargetAndMedian() {
        final BenchDrCommand baseline = (BenchDrCommand) parse("bench-dr", "--baseline");
        assertThat(BenchDrCommand.lookback(baseline.baseline, baseline.lookback)).isEqualTo(45);
        final BenchDrCommand settle = (BenchDrCommand) parse("bench-dr", "--participants", "1000");
        assertThat(settle.participants).isEqualTo(1000);
        assertThat(BenchDrCommand.lookback(settle.baseline, settle.lookback)).isEqualTo(10);
        assertThat(BenchDrCommand.lookback(false, 20)).isEqualTo(20);
        // 2026-12-07 is a Monday: the weekday before it is Friday the 4th; before Thursday the 3rd, Wednesday.
        assertThat(BenchDrCommand.lastWeekdayBefore(LocalDate.of(2026, 12, 7))).isEqualTo(LocalDate.of(2026, 12, 4));
        assertThat(BenchDrCommand.lastWeekdayBefore(LocalDate.of(2026, 12, 3))).isEqualTo(LocalDate.of(2026, 12, 2));
        assertThat(BenchDrCommand.medianAndMax(new long[] {5, 1, 9, 3, 7})).containsExactly(5, 9);
        assertThat(BenchDrCommand.fmt(1.234)).isEqualTo("1.23");
    }
}
