package energy.flexledger.client.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class BaselineChartTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final long Q = 15 * 60_000L;

    /** A day of quarter-hours in Berlin: slot starts, a flat 500 W baseline and an actual that dips in the window. */
    private static String chart(final LocalDate date, final String title, final long deliveredMilliWh, final BaselineChart.Payout payout) {
        final long start = date.atStartOfDay(BERLIN).toInstant().toEpochMilli();
        final long end = date.plusDays(1).atStartOfDay(BERLIN).toInstant().toEpochMilli();
        final int n = (int) ((end - start) / Q);
        final long[] starts = new long[n];
        final long[] baseline = new long[n];
        final long[] actual = new long[n];
        for (int i = 0; i < n; i++) {
            starts[i] = start + i * Q;
            baseline[i] = 500_000;
            actual[i] = 450_000 + (i % 7) * 20_000;
        }
        return BaselineChart.render(title, date, BERLIN, 15, starts, baseline, actual, window(date, 18), window(date, 20),
                deliveredMilliWh, payout);
    }

    private static long window(final LocalDate date, final int hour) {
        return date.atTime(hour, 0).atZone(BERLIN).toInstant().toEpochMilli();
    }

    private static Document parse(final String svg) throws Exception {
        final DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    private static Element byId(final Document doc, final String id) {
        final NodeList all = doc.getElementsByTagNameNS(Svg.NS, "*");
        for (int i = 0; i < all.getLength(); i++) {
            final Element e = (Element) all.item(i);
            if (id.equals(e.getAttribute("id"))) {
                return e;
            }
        }
        return null;
    }

    private static List<Element> children(final Element parent, final String name) {
        final List<Element> out = new ArrayList<>();
        final NodeList list = parent.getElementsByTagNameNS(Svg.NS, name);
        for (int i = 0; i < list.getLength(); i++) {
            out.add((Element) list.item(i));
        }
        return out;
    }

    private static double num(final Element e, final String attribute) {
        return Double.parseDouble(e.getAttribute(attribute));
    }

    @Test
    void isAWellFormedSvgDocumentWithTitleAndDescription() throws Exception {
        final String svg = chart(LocalDate.of(2026, 4, 9), "event E1 · asset hh-1", 549_123, null);
        assertThat(svg).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ");
        final Document doc = parse(svg);
        final Element root = doc.getDocumentElement();
        assertThat(root.getLocalName()).isEqualTo("svg");
        assertThat(root.getNamespaceURI()).isEqualTo(Svg.NS);
        assertThat(root.getAttribute("viewBox")).isEqualTo("0 0 960 540");
        assertThat(children(root, "title").get(0).getTextContent()).isEqualTo("event E1 · asset hh-1");
        assertThat(children(root, "desc").get(0).getTextContent())
                .isEqualTo("Baseline and actual load of Thursday 2026-04-09 (Europe/Berlin), event window 18:00–20:00, delivered 0.549 kWh.");
        assertThat(byId(doc, "subtitle").getTextContent()).isEqualTo("Thursday 2026-04-09 · Europe/Berlin · 15-minute averages");
    }

    @Test
    void eachLineHasOnePointPerSlotAtTheMiddleOfTheSlot() throws Exception {
        for (final LocalDate date : List.of(LocalDate.of(2026, 4, 9), LocalDate.of(2026, 3, 29), LocalDate.of(2026, 10, 25))) {
            final int slots = date.getDayOfMonth() == 9 ? 96 : date.getMonthValue() == 3 ? 92 : 100;
            final Document doc = parse(chart(date, "t", 0, null));
            for (final String id : List.of("baseline", "actual")) {
                final String[] points = byId(doc, id).getAttribute("points").split(" ");
                assertThat(points).as(date + " " + id).hasSize(slots);
                double previousX = Double.NEGATIVE_INFINITY;
                for (final String p : points) {
                    final double x = Double.parseDouble(p.split(",")[0]);
                    assertThat(x).isGreaterThan(previousX).isBetween(BaselineChart.LEFT, BaselineChart.RIGHT);
                    previousX = x;
                }
                // Half a slot in from either edge of the plot.
                final double half = (BaselineChart.RIGHT - BaselineChart.LEFT) / slots / 2;
                assertThat(Double.parseDouble(points[0].split(",")[0])).isCloseTo(BaselineChart.LEFT + half, within(0.01));
            }
            // The flat 500 W baseline is one horizontal line.
            final String[] baseline = byId(doc, "baseline").getAttribute("points").split(" ");
            assertThat(baseline).extracting(p -> p.split(",")[1]).containsOnly(baseline[0].split(",")[1]);
        }
    }

    @Test
    void theShadedRectangleSpansTheWindowOnTheHourTicks() throws Exception {
        for (final LocalDate date : List.of(LocalDate.of(2026, 4, 9), LocalDate.of(2026, 3, 29))) {
            final Document doc = parse(chart(date, "t", 0, null));
            final Element rect = children(byId(doc, "event-window"), "rect").get(0);
            double x18 = Double.NaN;
            double x20 = Double.NaN;
            for (final Element tick : children(byId(doc, "x-axis"), "line")) {
                if (tick.getAttribute("data-t").equals(Long.toString(window(date, 18)))) {
                    x18 = num(tick, "x1");
                }
                if (tick.getAttribute("data-t").equals(Long.toString(window(date, 20)))) {
                    x20 = num(tick, "x1");
                }
            }
            assertThat(num(rect, "x")).isCloseTo(x18, within(0.011));
            assertThat(num(rect, "x") + num(rect, "width")).isCloseTo(x20, within(0.011));
            assertThat(num(rect, "y")).isEqualTo(BaselineChart.TOP);
            assertThat(num(rect, "height")).isEqualTo(BaselineChart.BOTTOM - BaselineChart.TOP);
            assertThat(rect.getAttribute("data-start")).isEqualTo(Long.toString(window(date, 18)));
            assertThat(byId(doc, "event-window").getTextContent()).contains("event 18:00–20:00");
        }
        // 18:00 to 20:00 of a 24-hour day: 18/24 and 20/24 of the way along.
        final Element rect = children(byId(parse(chart(LocalDate.of(2026, 4, 9), "t", 0, null)), "event-window"), "rect").get(0);
        final double w = BaselineChart.RIGHT - BaselineChart.LEFT;
        assertThat(num(rect, "x")).isCloseTo(BaselineChart.LEFT + w * 18 / 24, within(0.01));
        assertThat(num(rect, "width")).isCloseTo(w * 2 / 24, within(0.01));
    }

    @Test
    void hourTicksFollowLocalTimeAcrossClockChanges() throws Exception {
        for (final Object[] c : new Object[][] {{LocalDate.of(2026, 4, 9), 25}, {LocalDate.of(2026, 3, 29), 24},
                {LocalDate.of(2026, 10, 25), 26}}) {
            final Element axis = byId(parse(chart((LocalDate) c[0], "t", 0, null)), "x-axis");
            final List<Element> ticks = children(axis, "line").stream().filter(l -> l.getAttribute("class").equals("hour")).toList();
            assertThat(ticks).as(c[0].toString()).hasSize((Integer) c[1]);
            final List<String> labels = children(axis, "text").stream().map(Element::getTextContent).toList();
            assertThat(labels).as(c[0].toString()).contains("00:00", "03:00", "12:00", "21:00", "24:00", "local time (Europe/Berlin)");
        }
    }

    @Test
    void powerIsLabelledInKilowattsFromZero() throws Exception {
        final Element axis = byId(parse(chart(LocalDate.of(2026, 4, 9), "t", 0, null)), "y-axis");
        final List<String> labels = children(axis, "text").stream().map(Element::getTextContent).toList();
        // Values up to 570 W: a fifth of that is 114 W, rounded up to a step of 0.2 kW, up to 0.6 kW.
        assertThat(labels).containsExactly("0 kW", "0.2 kW", "0.4 kW", "0.6 kW", "average power");
    }

    @Test
    void negativePowerGetsTicksBelowZero() throws Exception {
        final LocalDate d = LocalDate.of(2026, 6, 1);
        final long s = d.atStartOfDay(BERLIN).toInstant().toEpochMilli();
        final String svg = BaselineChart.render("feed-in", d, BERLIN, 60, new long[] {s, s + 3_600_000L}, new long[] {-2_000_000, 1_000_000},
                new long[] {-1_000_000, 3_000_000}, s, s + 3_600_000L, 0);
        final List<String> labels = children(byId(parse(svg), "y-axis"), "text").stream().map(Element::getTextContent).toList();
        assertThat(labels).startsWith("-2 kW", "-1 kW", "0 kW").contains("3 kW");
        assertThat(byId(parse(svg), "baseline").getAttribute("points").split(" ")).hasSize(2);
    }

    @Test
    void theDeliveredEnergyIsWrittenInKilowattHoursWithThreeDecimals() throws Exception {
        assertThat(byId(parse(chart(LocalDate.of(2026, 4, 9), "t", 1_234_567, null)), "delivered").getTextContent())
                .isEqualTo("delivered 1.235 kWh");
        assertThat(BaselineChart.kWh(0)).isEqualTo("0.000");
        assertThat(BaselineChart.kWh(499)).isEqualTo("0.000");
        assertThat(BaselineChart.kWh(500)).isEqualTo("0.001");
        assertThat(BaselineChart.kWh(12_345_678_901L)).isEqualTo("12345.679");
        assertThat(BaselineChart.kWh(-1_500)).isEqualTo("-0.002");
    }

    @Test
    void thePayoutIsShownOnlyWhenGiven() throws Exception {
        assertThat(byId(parse(chart(LocalDate.of(2026, 4, 9), "t", 1, null)), "payout")).isNull();
        assertThat(byId(parse(chart(LocalDate.of(2026, 4, 9), "t", 1, new BaselineChart.Payout(48, 10))), "payout").getTextContent())
                .isEqualTo("reward 48 · penalty 10 · net 38 tokens");
    }

    @Test
    void textIsEscaped() throws Exception {
        final String title = "<script>&\"x\" 'y'</script>\u0001 ü 🔌";
        final String svg = chart(LocalDate.of(2026, 4, 9), title, 0, null);
        assertThat(svg).doesNotContain("<script>");
        final Document doc = parse(svg);
        assertThat(byId(doc, "title").getTextContent()).isEqualTo("<script>&\"x\" 'y'</script>\uFFFD ü 🔌");
        assertThat(Svg.escape("a\uD800b\uFFFF")).isEqualTo("a\uFFFDb\uFFFD");
    }

    @Test
    void theSameInputGivesTheSameBytes() {
        assertThat(chart(LocalDate.of(2026, 4, 9), "t", 5, null)).isEqualTo(chart(LocalDate.of(2026, 4, 9), "t", 5, null));
    }

    @Test
    void refusesInconsistentInput() {
        final LocalDate d = LocalDate.of(2026, 4, 9);
        final long s = window(d, 0);
        assertThatThrownBy(() -> BaselineChart.render("t", d, BERLIN, 15, new long[0], new long[0], new long[0], s, s + Q, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
        assertThatThrownBy(() -> BaselineChart.render("t", d, BERLIN, 15, new long[] {s}, new long[] {1, 2}, new long[] {1}, s, s + Q, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same number");
        assertThatThrownBy(() -> BaselineChart.render("t", d, BERLIN, 15, new long[] {s, s}, new long[] {1, 2}, new long[] {1, 2}, s,
                s + Q, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ascend");
        assertThatThrownBy(() -> BaselineChart.render("t", d, BERLIN, 0, new long[] {s}, new long[] {1}, new long[] {1}, s, s + Q, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slotMinutes");
        assertThatThrownBy(() -> BaselineChart.render("t", d, BERLIN, 15, new long[] {s}, new long[] {1}, new long[] {1}, s, s, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window");
        assertThatThrownBy(() -> BaselineChart.render(null, d, BERLIN, 15, new long[] {s}, new long[] {1}, new long[] {1}, s, s + Q, 0))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void scaleAndNumberHelpers() {
        assertThat(BaselineChart.PowerScale.niceStep(0.3)).isEqualTo(1);
        assertThat(BaselineChart.PowerScale.niceStep(114_000)).isEqualTo(200_000);
        assertThat(BaselineChart.PowerScale.niceStep(210_000)).isEqualTo(250_000);
        assertThat(BaselineChart.PowerScale.niceStep(260_000)).isEqualTo(500_000);
        final BaselineChart.PowerScale zero = BaselineChart.PowerScale.of(new long[] {0, 0});
        assertThat(zero.max).isEqualTo(1_000_000);
        assertThat(Svg.num(1.005)).isIn("1", "1.01");
        assertThat(Svg.num(-0.001)).isEqualTo("0");
        assertThat(Svg.num(720)).isEqualTo("720");
        assertThat(Svg.num(346.5)).isEqualTo("346.5");
        assertThatThrownBy(() -> Svg.num(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Svg.el("bad name")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Svg.el("g").attr("on click", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Svg.el("g").add(Svg.el("a")).text("x").document()).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<g>\n  <a/>\n  x\n</g>\n");
    }
}
