#!/usr/bin/env python3
"""Make FlexLedger's demo load data: three weeks of quarter-hour load for a few households and a shop.

What it writes
    client-app/src/main/resources/loads/households-2026-03-23.csv (path overridable with --out)

    21 local days, 2026-03-23 (Monday) to 2026-04-12 (Sunday), in Europe/Berlin, for four
    assets. Each row is one quarter-hour: its start as UTC epoch milliseconds, the same instant
    as local ISO time with offset (for people; the Java reader checks it), then the average
    power of each asset over the quarter-hour in milliwatts (integers). Comment lines (#) at
    the top name the zone, the dates, the holidays, the assets and the per-asset totals.

    The range holds, on purpose:
    * the start of summer time, Sunday 2026-03-29: 02:00-03:00 local does not exist, so that
      day has 92 quarter-hours (BL1 never uses such a day as a baseline day);
    * two public holidays observed in every German state, Good Friday 2026-04-03 and Easter
      Monday 2026-04-06 (BL1 counts them as weekend days; the BDEW profiles use their
      Sunday/holiday shape for them);
    * eleven ordinary weekdays before Thursday 2026-04-09, so a "high 5 of 10" BL1 baseline
      for that day (or for Friday 2026-04-10) finds all ten candidate days.

Where the load shapes come from
    The BDEW standard load profiles, 2025 revision (German Association of Energy and Water
    Industries, BDEW), as shipped inside the PyPI package demandlib 0.2.2 (oemof developer
    group, MIT licence): H25 (households, with BDEW's dynamisation function over the day of
    the year) and G25 (trade and business). The tables are in the wheel, so nothing is
    downloaded. See client-app/src/main/resources/loads/ATTRIBUTION.md.

What is done to them (all deterministic)
    1. demandlib gives, for each local wall-clock quarter-hour of the 21 days, the profile's
       power in kW for an annual consumption of 1 GWh (month, day type and, for H25, day of
       the year select the value; the two holidays are passed to demandlib as holidays).
    2. Scaling: power_mW = value * annual_kWh (kW per GWh/a times kWh/a = mW).
    3. Variation: a standard profile is the mean of many customers, so every weekday would be
       identical and a BL1 "high X of Y" choice would be decided by ties alone. Each asset gets
       a day factor (uniform in [1-d, 1+d]) and a quarter-hour factor (uniform in [1-q, 1+q]),
       both drawn from SHA-256 of "seed/asset/date" and "seed/asset/slotStart", with SEED below.
       Households: d = 0.10, q = 0.20; the shop: d = 0.05, q = 0.05. The result is rounded half
       to even to whole milliwatts. Hash-based draws depend on no random-number library and do
       not change when an asset is added or removed.
    4. Local time to UTC: the profile is a wall-clock profile. A local quarter-hour that does
       not exist (spring forward) is skipped; one that occurs twice (fall back; not in this
       range) would be written twice, with the same profile value and separate variation.

Reproduce (needs only PyPI):
    python3 -m venv /tmp/venv-loads
    /tmp/venv-loads/bin/pip install demandlib==0.2.2 pandas==3.1.1 numpy==2.4.6
    /tmp/venv-loads/bin/python scripts/data/make-load-profiles.py

    It prints the number of rows, each asset's total (sum of mW values) and energy (kWh), and
    the SHA-256 of the file; the Java tests (LoadProfilesTest) assert the same totals.

Tried first: liander-open-data 0.2.0 (Liander's open SBI load profiles). Its wheel holds only
the SBI dictionary; `liander-open-data build` downloads the profiles zip from Liander, which
fails without internet access (urllib.error.URLError: <urlopen error [Errno -2] Name or service
not known>). demandlib's 1999 profiles (class ElecSlp: H0, G0-G6, L0-L2) fail under pandas
3.1.1, because the class turns warnings into errors and pandas warns about `inplace`
(pandas.errors.Pandas4Warning in DataFrame.sort_index); the 2025 profiles do not use that code.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

DEMANDLIB_VERSION = "0.2.2"
SEED = "flexledger-loads-1"
ZONE = "Europe/Berlin"
FIRST = dt.date(2026, 3, 23)
DAYS = 21
SLOT_MINUTES = 15
# Public holidays in every German state inside the range (Karfreitag, Ostermontag).
HOLIDAYS = [dt.date(2026, 4, 3), dt.date(2026, 4, 6)]


class Asset:
    def __init__(self, asset_id: str, profile: str, annual_kwh: int, day_var: float, slot_var: float, note: str):
        self.id = asset_id
        self.profile = profile
        self.annual_kwh = annual_kwh
        self.day_var = day_var
        self.slot_var = slot_var
        self.note = note


ASSETS = [
    Asset("hh-1", "H25", 3500, 0.10, 0.20, "household, 3 persons"),
    Asset("hh-2", "H25", 2000, 0.10, 0.20, "household, 1-2 persons"),
    Asset("hh-3", "H25", 5000, 0.10, 0.20, "household, 4-5 persons"),
    Asset("shop-1", "G25", 30000, 0.05, 0.05, "small business building"),
]

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "client-app/src/main/resources/loads/households-2026-03-23.csv"


def uniform(key: str) -> float:
    """A number in [0, 1) from the first 8 bytes of SHA-256(key)."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") / 2.0**64


def factor(key: str, spread: float) -> float:
    return 1.0 + spread * (2.0 * uniform(key) - 1.0)


def profile_values(profile: str):
    """{(date, hour, minute): kW at 1 GWh/a} for every wall-clock quarter-hour of the range."""
    import demandlib
    import pandas as pd
    from demandlib import bdew

    if demandlib.__version__ != DEMANDLIB_VERSION:
        sys.exit(f"needs demandlib {DEMANDLIB_VERSION}, found {demandlib.__version__}")
    last = FIRST + dt.timedelta(days=DAYS - 1)
    index = pd.date_range(f"{FIRST} 00:00", f"{last} 23:45", freq=f"{SLOT_MINUTES}min")
    series = {"H25": bdew.H25, "G25": bdew.G25}[profile](index, holidays=HOLIDAYS)
    return {(ts.date(), ts.hour, ts.minute): float(v) for ts, v in series.items()}


def local_slots(zone: ZoneInfo):
    """(local date, hour, minute, UTC datetime) for every quarter-hour that exists in the zone, in time order."""
    utc = dt.timezone.utc
    start = dt.datetime.combine(FIRST, dt.time(0), zone).astimezone(utc)
    end = dt.datetime.combine(FIRST + dt.timedelta(days=DAYS), dt.time(0), zone).astimezone(utc)
    t = start
    while t < end:
        local = t.astimezone(zone)
        yield local.date(), local.hour, local.minute, t
        t += dt.timedelta(minutes=SLOT_MINUTES)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()

    zone = ZoneInfo(ZONE)
    profiles = {p: profile_values(p) for p in sorted({a.profile for a in ASSETS})}
    rows = []
    totals = {a.id: 0 for a in ASSETS}
    for date, hour, minute, t in local_slots(zone):
        ms = int(t.timestamp()) * 1000
        local = t.astimezone(zone).isoformat(timespec="minutes")
        values = []
        for a in ASSETS:
            base = profiles[a.profile][(date, hour, minute)] * a.annual_kwh
            f = factor(f"{SEED}/{a.id}/{date}", a.day_var) * factor(f"{SEED}/{a.id}/{ms}", a.slot_var)
            mw = round(base * f)
            if mw <= 0:
                sys.exit(f"non-positive value for {a.id} at {local}")
            values.append(mw)
            totals[a.id] += mw
        rows.append(f"{ms},{local}," + ",".join(str(v) for v in values))

    last = FIRST + dt.timedelta(days=DAYS - 1)
    header = [
        "# FlexLedger demo load data. Generated by scripts/data/make-load-profiles.py; do not edit by hand.",
        f"# Source: BDEW standard load profiles 2025 (H25, G25) from demandlib {DEMANDLIB_VERSION} (MIT); see ATTRIBUTION.md.",
        "# Values: average power of the quarter-hour in mW; slotStart: UTC epoch ms of its start.",
        f"# zone: {ZONE}",
        f"# slotMinutes: {SLOT_MINUTES}",
        f"# firstDate: {FIRST}",
        f"# lastDate: {last}",
        "# holidays: " + " ".join(str(h) for h in HOLIDAYS),
        f"# seed: {SEED}",
    ]
    for a in ASSETS:
        header.append(f"# asset: {a.id} {a.profile} {a.annual_kwh} {a.day_var} {a.slot_var} {a.note}")
    header.append("slotStart,local," + ",".join(a.id for a in ASSETS))
    text = "\n".join(header + rows) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(text.encode("utf-8"))

    print(f"wrote {args.out} ({len(text.encode('utf-8'))} bytes, {len(rows)} rows)")
    for a in ASSETS:
        kwh = totals[a.id] * SLOT_MINUTES / 60 / 1e6
        print(f"  {a.id:7s} {a.profile} {a.annual_kwh:6d} kWh/a: sum {totals[a.id]} mW-slots = {kwh:.3f} kWh in {DAYS} days")
    print("sha256", hashlib.sha256(text.encode("utf-8")).hexdigest())
    return 0


if __name__ == "__main__":
    sys.exit(main())
