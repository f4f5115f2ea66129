package energy.flexledger.client.loads;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The demo load data bundled with the client: three weeks of quarter-hour load for a few
 * households and a shop, derived from the BDEW standard load profiles by
 * {@code scripts/data/make-load-profiles.py} (see {@code loads/ATTRIBUTION.md} beside the file).
 *
 * <p>The file is CSV with {@code #} comment lines first: {@code key: value} lines for {@code zone},
 * {@code slotMinutes}, {@code firstDate}, {@code lastDate}, {@code holidays} (space-separated ISO
 * dates) and one {@code asset: id profile annualKWh dayVariation slotVariation description} line per
 * asset; then the header {@code slotStart,local,<asset ids>} and one row per slot: UTC epoch ms,
 * the same instant as local ISO time with its offset, and each asset's average power in mW. The
 * reader checks that the slots are consecutive, cover every local day from the first to the last
 * date, and that each row's local time is its instant in the zone.
 */
public final class LoadProfiles {
    /** The bundled data file on the class path. */
    public static final String RESOURCE = "/loads/households-2026-03-23.csv";

    private final ZoneId zone;
    private final int slotMinutes;
    private final LocalDate firstDate;
    private final LocalDate lastDate;
    private final List<LocalDate> holidays;
    private final Map<String, LoadSeries> series;

    private LoadProfiles(final ZoneId zone, final int slotMinutes, final LocalDate firstDate, final LocalDate lastDate,
            final List<LocalDate> holidays, final Map<String, LoadSeries> series) {
        this.zone = zone;
        this.slotMinutes = slotMinutes;
        this.firstDate = firstDate;
        this.lastDate = lastDate;
        this.holidays = List.copyOf(holidays);
        this.series = Collections.unmodifiableMap(series);
    }

    /** Reads the bundled data file ({@link #RESOURCE}). */
    public static LoadProfiles load() {
        try (InputStream in = LoadProfiles.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the class path has no " + RESOURCE);
            }
            return parse(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a data file in the format described above.
     *
     * @throws IllegalArgumentException naming the line, for anything malformed or inconsistent
     */
    public static LoadProfiles parse(final Reader reader) throws IOException {
        final BufferedReader in = new BufferedReader(reader);
        final Map<String, String> keys = new LinkedHashMap<>();
        final List<String[]> assets = new ArrayList<>();
        String line;
        int lineNo = 0;
        String header = null;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.startsWith("#")) {
                final String body = line.substring(1).trim();
                final int colon = body.indexOf(": ");
                if (colon > 0 && body.substring(0, colon).matches("[A-Za-z]+")) {
                    final String key = body.substring(0, colon);
                    final String value = body.substring(colon + 2).trim();
                    if (key.equals("asset")) {
                        final String[] parts = value.split(" ", 6);
                        if (parts.length < 3) {
                            throw bad(lineNo, "an asset line needs at least an id, a profile and the annual kWh");
                        }
                        assets.add(parts);
                    } else {
                        keys.put(key, value);
                    }
                }
                continue;
            }
            header = line;
            break;
        }
        if (header == null) {
            throw bad(lineNo, "no header line");
        }
        final ZoneId zone;
        final int slotMinutes;
        final LocalDate first;
        final LocalDate last;
        final List<LocalDate> holidays = new ArrayList<>();
        try {
            zone = ZoneId.of(require(keys, "zone", lineNo));
            slotMinutes = Integer.parseInt(require(keys, "slotMinutes", lineNo));
            first = LocalDate.parse(require(keys, "firstDate", lineNo));
            last = LocalDate.parse(require(keys, "lastDate", lineNo));
            final String h = keys.getOrDefault("holidays", "").trim();
            if (!h.isEmpty()) {
                for (final String d : h.split("\\s+")) {
                    holidays.add(LocalDate.parse(d));
                }
            }
        } catch (DateTimeException | NumberFormatException e) {
            throw bad(lineNo, "bad header value: " + e.getMessage());
        }
        if (slotMinutes < 1 || 1440 % slotMinutes != 0) {
            throw bad(lineNo, "slotMinutes must divide a day, was " + slotMinutes);
        }
        if (last.isBefore(first)) {
            throw bad(lineNo, "lastDate is before firstDate");
        }
        final String[] columns = header.split(",", -1);
        if (columns.length != assets.size() + 2 || !columns[0].equals("slotStart") || !columns[1].equals("local")) {
            throw bad(lineNo, "the header must be slotStart,local and one column per asset line (" + assets.size() + ")");
        }
        for (int a = 0; a < assets.size(); a++) {
            if (!columns[a + 2].equals(assets.get(a)[0])) {
                throw bad(lineNo, "column " + (a + 3) + " is " + columns[a + 2] + " but asset line " + (a + 1) + " is "
                        + assets.get(a)[0]);
            }
        }

        final long slotMs = slotMinutes * 60_000L;
        final long start = first.atStartOfDay(zone).toInstant().toEpochMilli();
        final long end = last.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
        if (Math.floorMod(end - start, slotMs) != 0) {
            throw bad(lineNo, "the date range is not a whole number of slots");
        }
        final int rows = Math.toIntExact((end - start) / slotMs);
        final long[] starts = new long[rows];
        final long[][] values = new long[assets.size()][rows];
        int row = 0;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.isEmpty()) {
                continue;
            }
            final String[] cells = line.split(",", -1);
            if (cells.length != columns.length) {
                throw bad(lineNo, "expected " + columns.length + " cells, got " + cells.length);
            }
            if (row == rows) {
                throw bad(lineNo, "more rows than the " + rows + " slots from " + first + " to " + last);
            }
            try {
                final long t = Long.parseLong(cells[0]);
                if (t != start + row * slotMs) {
                    throw bad(lineNo, "slot " + t + " should be " + (start + row * slotMs) + " (slots must be consecutive)");
                }
                final OffsetDateTime local = OffsetDateTime.parse(cells[1]);
                if (local.toInstant().toEpochMilli() != t || !local.getOffset().equals(zone.getRules().getOffset(local.toInstant()))) {
                    throw bad(lineNo, "local time " + cells[1] + " is not slot " + t + " in " + zone);
                }
                starts[row] = t;
                for (int a = 0; a < assets.size(); a++) {
                    values[a][row] = Long.parseLong(cells[a + 2]);
                }
            } catch (NumberFormatException | DateTimeException e) {
                throw bad(lineNo, "bad cell: " + e.getMessage());
            }
            row++;
        }
        if (row != rows) {
            throw bad(lineNo, "only " + row + " rows for the " + rows + " slots from " + first + " to " + last);
        }
        final Map<String, LoadSeries> series = new LinkedHashMap<>();
        for (int a = 0; a < assets.size(); a++) {
            final String[] p = assets.get(a);
            final long annual;
            try {
                annual = Long.parseLong(p[2]);
            } catch (NumberFormatException e) {
                throw bad(0, "asset " + p[0] + ": annual kWh " + p[2] + " is not a whole number");
            }
            final String description = p.length == 6 ? p[5] : "";
            if (series.put(p[0], new LoadSeries(p[0], p[1], annual, description, zone, slotMinutes, starts.clone(), values[a])) != null) {
                throw bad(0, "asset " + p[0] + " appears twice");
            }
        }
        return new LoadProfiles(zone, slotMinutes, first, last, holidays, series);
    }

    private static String require(final Map<String, String> keys, final String key, final int lineNo) {
        final String v = keys.get(key);
        if (v == null) {
            throw bad(lineNo, "the header comments have no '" + key + ":' line");
        }
        return v;
    }

    private static IllegalArgumentException bad(final int lineNo, final String message) {
        return new IllegalArgumentException((lineNo > 0 ? "line " + lineNo + ": " : "") + message);
    }

    /** The local time zone of the data (days, holidays, the profiles' wall-clock time). */
    public ZoneId zone() {
        return zone;
    }

    public int slotMinutes() {
        return slotMinutes;
    }

    /** The first local day in the data. */
    public LocalDate firstDate() {
        return firstDate;
    }

    /** The last local day in the data (inclusive). */
    public LocalDate lastDate() {
        return lastDate;
    }

    /** The public holidays inside the range that the profiles treat as Sundays (and BL1 as weekend days). */
    public List<LocalDate> holidays() {
        return holidays;
    }

    /** The assets' ids, in file order. */
    public List<String> assets() {
        return List.copyOf(series.keySet());
    }

    /** Every asset's series, in file order. */
    public List<LoadSeries> all() {
        return List.copyOf(series.values());
    }

    /** @throws NoSuchElementException when the data has no such asset */
    public LoadSeries series(final String asset) {
        final LoadSeries s = series.get(asset);
        if (s == null) {
            throw new NoSuchElementException("no asset " + asset + " in the load data; there are " + Arrays.toString(series.keySet().toArray()));
        }
        return s;
    }
}
