"""Generate the Northwind Mobile example measurements under data/measurements/.

Run from the repository root:

    python scripts/generate_example_data.py

The output is deterministic: the same seed always gives byte-identical CSV files.
Only the standard library is used, so the script runs without installing cxsite.

The data tells three stories that the site should make visible:

a) The billing-system migration in 2026-03 breaks trust in the monthly bill
   (bill-statement trust ~80 -> ~45), with a milder dip and a surge of calls on the
   billing enquiry line; it recovers over 2026-05..2026-07.
b) Phone answer times drift from ~1.5 to ~4.5 minutes over 18 months, so the share of
   calls answered within the 3-minute target falls from ~90% to ~30%.
c) Internal QA rates the broadband installation visit at ~90+, while customers put it
   at ~55-62 on the same dimensions.
"""

from __future__ import annotations

import csv
import math
import random
from datetime import datetime, timedelta
from pathlib import Path
from statistics import median

SEED = 20260324
OUT_DIR = Path("data/measurements")

START_YEAR, START_MONTH, N_MONTHS = 2025, 5, 18
MIGRATION = 10  # index of 2026-03, the billing-system migration month

PERSONAS: list[tuple[str, float]] = [
    ("deal-hunter", 0.35),
    ("busy-parent", 0.25),
    ("sole-trader", 0.20),
    ("student", 0.15),
]

# How each persona tends to score a dimension relative to the average customer
# (score points on the 0-100 scale).
PERSONA_BIAS: dict[str, dict[str, float]] = {
    "deal-hunter": {"value": -5.0, "trust": -2.0, "quality": 1.0},
    "busy-parent": {"service": 3.0, "response_time": -1.0, "trust": 1.0},
    "sole-trader": {"response_time": -9.0, "service": -3.0, "value": 2.0},
    "student": {"value": 2.0, "quality": -3.0, "trust": -3.0, "response_time": 2.0},
}

# Ticket segments, with their share of tickets; "" means the segment was not recorded.
SEGMENTS: list[tuple[str, float]] = [
    ("Consumer", 0.40),
    ("Family", 0.25),
    ("Business", 0.18),
    ("Student", 0.09),
    ("", 0.08),
]

# touchpoint id -> (baseline customer score per surveyed dimension, survey volume factor).
# Score is on 0-100, where a rating mean m on the 1-5 scale maps to (m - 1) / 4 * 100.
TOUCHPOINTS: dict[str, tuple[dict[str, float], float]] = {
    "online-ads": ({"trust": 70, "value": 74}, 1.0),
    "plan-pages": ({"value": 76, "quality": 80, "trust": 78}, 1.0),
    "price-comparison": ({"value": 82, "trust": 74}, 1.0),
    "coverage-checker": ({"quality": 72, "trust": 75}, 1.0),
    "store-visit": ({"service": 84, "quality": 80, "response_time": 70}, 1.0),
    "sales-call": ({"service": 80, "trust": 74, "value": 77}, 1.0),
    "online-checkout": ({"quality": 82, "response_time": 80}, 1.0),
    "credit-check": ({"response_time": 78, "trust": 73}, 1.0),
    "contract-email": ({"trust": 79, "quality": 81}, 1.0),
    "sim-delivery": ({"response_time": 83, "quality": 85}, 1.0),
    "device-delivery": ({"response_time": 78, "quality": 82, "service": 80}, 1.0),
    "number-porting": ({"response_time": 70, "quality": 74, "trust": 76}, 1.0),
    "installation-booking": ({"response_time": 68, "service": 76}, 1.0),
    "installation-visit": (
        {"service": 58, "quality": 60, "response_time": 53, "trust": 62},
        2.2,
    ),
    "router-setup": ({"quality": 74, "service": 72}, 1.0),
    "app-login": ({"quality": 79, "response_time": 83}, 1.0),
    "first-bill": ({"trust": 74, "value": 70, "quality": 76}, 1.0),
    "bill-statement": ({"trust": 81, "quality": 79, "value": 72}, 2.5),
    "direct-debit": ({"quality": 85, "trust": 82}, 1.0),
    "billing-enquiry-call": ({"trust": 77, "service": 78, "response_time": 72}, 1.5),
    "support-call": ({"service": 77, "trust": 75}, 1.3),
    "support-email": ({"service": 74, "trust": 75}, 1.0),
    "support-chat": ({"service": 79, "trust": 76}, 1.0),
    "fault-reporting-app": ({"quality": 73, "response_time": 75}, 1.0),
    "network-status-page": ({"quality": 65, "trust": 66}, 1.0),
    "outage-sms": ({"response_time": 72, "trust": 74}, 1.0),
    "engineer-repair-visit": ({"service": 76, "response_time": 67, "quality": 78}, 1.0),
    "store-repair": ({"service": 78, "response_time": 70}, 1.0),
    "roaming": ({"value": 63, "trust": 71}, 1.0),
    "upgrade-offer": ({"value": 67, "trust": 73}, 1.0),
    "retention-call": ({"value": 75, "service": 78, "trust": 71}, 1.0),
    "cancellation-request": ({"response_time": 66, "trust": 64, "service": 68}, 1.0),
    "final-bill": ({"trust": 70, "quality": 74}, 1.0),
    "equipment-return": ({"quality": 76, "response_time": 74}, 0.35),
    "community-forum": ({"quality": 75, "response_time": 70}, 0.5),
    "social-media-replies": ({"response_time": 78, "service": 74}, 1.0),
}

# Touchpoints that carry an NPS-style 0-10 question (dimension trust): baseline score on
# 0-100, where score = (NPS + 100) / 2, and a volume factor.
NPS_TOUCHPOINTS: dict[str, tuple[float, float]] = {
    "store-visit": (76, 1.0),
    "bill-statement": (81, 2.0),
    "support-call": (72, 1.0),
    "installation-visit": (58, 1.0),
    "upgrade-offer": (70, 1.0),
    "cancellation-request": (56, 1.0),
}

# Internal QA / mystery-shop audits: (touchpoint, dimension) -> the customer-view baseline the
# audit tracks. The installation visit is deliberately absent: its audit is the blind spot.
INTERNAL_KPIS: dict[tuple[str, str], float] = {
    ("plan-pages", "quality"): 80,
    ("plan-pages", "value"): 76,
    ("store-visit", "service"): 84,
    ("store-visit", "quality"): 80,
    ("sales-call", "service"): 80,
    ("sales-call", "trust"): 74,
    ("number-porting", "quality"): 74,
    ("number-porting", "response_time"): 70,
    ("bill-statement", "quality"): 79,
    ("billing-enquiry-call", "service"): 78,
    ("billing-enquiry-call", "trust"): 76,
    ("support-call", "service"): 77,
    ("support-call", "quality"): 72,
    ("support-chat", "service"): 79,
    ("support-chat", "quality"): 68,
    ("support-email", "service"): 73,
    ("support-email", "quality"): 56,
    ("engineer-repair-visit", "service"): 76,
    ("engineer-repair-visit", "quality"): 78,
    ("retention-call", "service"): 78,
    ("retention-call", "value"): 75,
}
# What the installation audit says, whatever customers think (service, quality).
INSTALLATION_QA: dict[str, float] = {"service": 91.5, "quality": 92.0}

# Story a): deltas (score points) by month index, for the billing-system migration.
MIGRATION_EFFECTS: dict[tuple[str, str], dict[int, float]] = {
    ("bill-statement", "trust"): {10: -35, 11: -29, 12: -19, 13: -8, 14: -1},
    ("bill-statement", "quality"): {10: -26, 11: -16, 12: -8, 13: -3},
    ("bill-statement", "value"): {10: -9, 11: -6, 12: -3},
    ("first-bill", "trust"): {10: -12, 11: -8, 12: -4},
    ("billing-enquiry-call", "trust"): {10: -13, 11: -9, 12: -4, 13: -1},
    ("billing-enquiry-call", "response_time"): {10: -11, 11: -6, 12: -2},
    ("billing-enquiry-call", "service"): {10: -5, 11: -3},
    ("final-bill", "trust"): {10: -8, 11: -5, 12: -2},
    ("support-call", "service"): {10: -4, 11: -2},
    # Christmas peak: couriers and Royal Mail run late in December.
    ("device-delivery", "response_time"): {7: -10},
    ("sim-delivery", "response_time"): {7: -6},
}
# Survey volume multipliers: more billing calls (and angrier respondents) after the migration.
VOLUME_EFFECTS: dict[str, dict[int, float]] = {
    "billing-enquiry-call": {10: 2.6, 11: 1.8, 12: 1.3},
    "bill-statement": {10: 1.4, 11: 1.2},
}

# Ticket channels: (channel, share of tickets, lognormal sigma of first response minutes,
# baseline csat mean on 1-5, first-contact resolution rate).
CHANNELS: list[tuple[str, float, float, float, float]] = [
    ("Phone", 0.56, 0.0, 4.15, 0.74),
    ("Chat", 0.27, 0.60, 4.20, 0.68),
    ("Email", 0.17, 0.55, 3.95, 0.56),
]
PHONE_TARGET_MIN = 3.0
# When tickets arrive: (first hour, relative weight of each hour from then on).
# Phone lines are open 8am-8pm, busiest mid-morning and after work; chat runs 7am-11pm;
# email arrives around the clock.
HOUR_WEIGHTS: dict[str, tuple[int, list[int]]] = {
    "Phone": (8, [6, 9, 10, 9, 8, 7, 7, 7, 8, 9, 7, 4]),
    "Chat": (7, [2, 4, 6, 7, 7, 7, 7, 6, 6, 6, 7, 8, 8, 7, 5, 3]),
    "Email": (0, [1, 1, 1, 1, 1, 1, 2, 4, 6, 7, 7, 7, 7, 7, 6, 6, 5, 5, 6, 6, 5, 4, 3, 2]),
}


def months() -> list[str]:
    """The 18 periods as YYYY-MM strings."""
    out: list[str] = []
    for i in range(N_MONTHS):
        y, m = divmod(START_MONTH - 1 + i, 12)
        out.append(f"{START_YEAR + y}-{m + 1:02d}")
    return out


def clamp(x: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, x))


def customer_score(touchpoint: str, dimension: str, base: float, month: int) -> float:
    """The customer-view score (0-100) a touchpoint/dimension should show in a month."""
    score = base + MIGRATION_EFFECTS.get((touchpoint, dimension), {}).get(month, 0.0)
    if touchpoint == "support-call" and dimension == "service":
        score -= 5.0 * month / (N_MONTHS - 1)  # longer waits sour the conversation a little
    return score


def draw_rating(rng: random.Random, score: float) -> int:
    """One 1-5 answer whose expected value maps to `score` on the 0-100 scale."""
    mean = 1.0 + 4.0 * clamp(score, 2.0, 98.0) / 100.0
    noise = 0.07  # a few answers are scattered uniformly, as real surveys are
    p = ((mean - noise * 3.0) / (1.0 - noise) - 1.0) / 4.0
    p = clamp(p, 0.01, 0.99)
    if rng.random() < noise:
        return rng.randint(1, 5)
    return 1 + sum(1 for _ in range(4) if rng.random() < p)


def draw_nps(rng: random.Random, score: float) -> int:
    """One 0-10 answer; the expected NPS equals 2 * score - 100."""
    nps = clamp(2.0 * score - 100.0, -70.0, 70.0) / 100.0
    spread = 0.75  # promoters + detractors, the rest are passives
    promoters = (spread + nps) / 2.0
    detractors = (spread - nps) / 2.0
    u = rng.random()
    if u < promoters:
        return 10 if rng.random() < 0.45 else 9
    if u < promoters + detractors:
        return rng.choices(range(7), weights=[2, 1, 1, 2, 3, 5, 7])[0]
    return 8 if rng.random() < 0.55 else 7


def pick_persona(rng: random.Random, blank_share: float) -> str:
    if rng.random() < blank_share:
        return ""
    ids = [p for p, _ in PERSONAS]
    shares = [s for _, s in PERSONAS]
    return rng.choices(ids, weights=shares)[0]


def month_noise(rng: random.Random) -> float:
    return rng.gauss(0.0, 1.3)


def generate_survey(rng: random.Random, periods: list[str]) -> list[list[str]]:
    rows: list[list[str]] = []
    for tp, (dims, volume) in TOUCHPOINTS.items():
        for dim, base in dims.items():
            for i, period in enumerate(periods):
                target = customer_score(tp, dim, base, i) + month_noise(rng)
                n = max(8, round(rng.randint(32, 42) * volume))
                n = round(n * VOLUME_EFFECTS.get(tp, {}).get(i, 1.0))
                for _ in range(n):
                    persona = pick_persona(rng, 0.10)
                    bias = PERSONA_BIAS.get(persona, {}).get(dim, 0.0)
                    value = str(draw_rating(rng, target + bias))
                    if rng.random() < 0.02:
                        value = rng.choice(["", "NA"])
                    rows.append([tp, dim, period, persona, value])
    return rows


def generate_nps(rng: random.Random, periods: list[str]) -> list[list[str]]:
    rows: list[list[str]] = []
    for tp, (base, volume) in NPS_TOUCHPOINTS.items():
        for i, period in enumerate(periods):
            target = customer_score(tp, "trust", base, i) + month_noise(rng)
            n = round(rng.randint(40, 60) * volume * VOLUME_EFFECTS.get(tp, {}).get(i, 1.0))
            for _ in range(n):
                persona = pick_persona(rng, 0.10)
                bias = PERSONA_BIAS.get(persona, {}).get("trust", 0.0)
                rows.append([tp, "trust", period, persona, str(draw_nps(rng, target + bias))])
    return rows


def phone_wait_params(month: int) -> tuple[float, float]:
    """Median minutes and lognormal sigma of phone answer times: a steady drift."""
    t = month / (N_MONTHS - 1)
    return 1.5 + 3.0 * t, 0.54 + 0.235 * t


def ticket_volume(month: int, rng: random.Random) -> int:
    calendar_month = (START_MONTH - 1 + month) % 12 + 1
    seasonal = {1: 45, 8: 20, 9: 25, 12: -40}.get(calendar_month, 0)
    return 545 + 3 * month + seasonal + rng.randint(-20, 20)


def random_time(rng: random.Random, year: int, month: int, channel: str) -> datetime:
    first = datetime(year, month, 1)
    nxt = datetime(year + month // 12, month % 12 + 1, 1)
    days = (nxt - first).days
    day = rng.randrange(days)
    first_hour, weights = HOUR_WEIGHTS[channel]
    hour = rng.choices(range(first_hour, first_hour + len(weights)), weights=weights)[0]
    return first + timedelta(
        days=day, hours=hour, minutes=rng.randrange(60), seconds=rng.randrange(60)
    )


def generate_tickets(rng: random.Random, periods: list[str]) -> list[list[str]]:
    rows: list[list[str]] = []
    segments = [s for s, _ in SEGMENTS]
    seg_weights = [w for _, w in SEGMENTS]
    channel_names = [c[0] for c in CHANNELS]
    channel_weights = [c[1] for c in CHANNELS]
    for i, period in enumerate(periods):
        year, month = (int(x) for x in period.split("-"))
        total = ticket_volume(i, rng)
        extra_phone = {MIGRATION: 95, MIGRATION + 1: 50, MIGRATION + 2: 15}.get(i, 0)
        channels = rng.choices(channel_names, weights=channel_weights, k=total)
        channels += ["Phone"] * extra_phone
        month_rows: list[tuple[datetime, list[str]]] = []
        for channel in channels:
            created = random_time(rng, year, month, channel)
            segment = rng.choices(segments, weights=seg_weights)[0]
            _, _, sigma, csat_mean, fcr = next(c for c in CHANNELS if c[0] == channel)
            if channel == "Phone":
                med, sigma = phone_wait_params(i)
                csat_mean -= 0.25 * i / (N_MONTHS - 1)
                if i == MIGRATION:
                    csat_mean -= 0.15
                    fcr -= 0.07
                elif i == MIGRATION + 1:
                    csat_mean -= 0.06
                    fcr -= 0.03
            elif channel == "Chat":
                med = 0.8
            else:
                med = 95.0
            minutes = rng.lognormvariate(math.log(med), sigma)
            if channel == "Phone" and minutes > PHONE_TARGET_MIN:
                csat_mean -= 0.2  # a long wait shows in the score
            if segment == "Business":
                csat_mean -= 0.1
            resolved = rng.random() < fcr
            if not resolved:
                csat_mean -= 0.35
            csat = ""
            if rng.random() >= 0.30:
                csat = str(draw_rating(rng, (csat_mean - 1.0) / 4.0 * 100.0))
            month_rows.append(
                (
                    created,
                    [
                        created.strftime("%Y-%m-%d %H:%M:%S"),
                        channel,
                        segment,
                        csat,
                        "Yes" if resolved else "No",
                        f"{max(minutes, 0.1):.1f}",
                    ],
                )
            )
        month_rows.sort(key=lambda r: (r[0], r[1][1]))
        for seq, (_, row) in enumerate(month_rows, start=1):
            rows.append([f"NWM-{year % 100:02d}{month:02d}-{seq:05d}", *row])
    return rows


def generate_internal(rng: random.Random, periods: list[str]) -> list[list[str]]:
    rows: list[list[str]] = []
    series: list[tuple[str, str, float | None]] = [
        (tp, dim, base) for (tp, dim), base in INTERNAL_KPIS.items()
    ]
    series += [("installation-visit", dim, None) for dim in INSTALLATION_QA]
    series.sort(key=lambda s: (s[0], s[1]))
    for tp, dim, base in series:
        offset = rng.uniform(-3.5, 3.5)  # each audit has its own lean
        for i, period in enumerate(periods):
            if base is None:
                value = INSTALLATION_QA[dim] + rng.gauss(0.0, 0.8)
            else:
                value = customer_score(tp, dim, base, i) + offset + rng.gauss(0.0, 1.2)
            n = rng.randint(15, 40)
            rows.append([tp, dim, period, f"{clamp(value, 0.0, 100.0):.1f}", str(n)])
    return rows


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path.stat().st_size


def rating_score(values: list[int]) -> float:
    return (sum(values) / len(values) - 1.0) / 4.0 * 100.0 if values else float("nan")


def nps_score(values: list[int]) -> float:
    if not values:
        return float("nan")
    promoters = sum(1 for v in values if v >= 9)
    detractors = sum(1 for v in values if v <= 6)
    return (100.0 * (promoters - detractors) / len(values) + 100.0) / 2.0


def summarise(
    periods: list[str],
    survey: list[list[str]],
    nps: list[list[str]],
    tickets: list[list[str]],
    internal: list[list[str]],
) -> None:
    def ratings(tp: str, dim: str, period: str) -> list[int]:
        return [
            int(r[4])
            for r in survey
            if r[0] == tp and r[1] == dim and r[2] == period and r[4] not in ("", "NA")
        ]

    def answers(tp: str, dim: str, period: str) -> int:
        return sum(1 for r in survey if r[0] == tp and r[1] == dim and r[2] == period)

    def internal_value(tp: str, dim: str, period: str) -> float:
        return next(float(r[3]) for r in internal if r[0] == tp and r[1] == dim and r[2] == period)

    print()
    print("Story figures per month (scores on 0-100):")
    print(
        "period   | bill trust  bill NPS | enq trust  enq n | phone med <=3min csat  n"
        "  | install svc qual | QA svc qual"
    )
    for period in periods:
        bill = rating_score(ratings("bill-statement", "trust", period))
        bill_nps = nps_score(
            [int(r[4]) for r in nps if r[0] == "bill-statement" and r[2] == period]
        )
        enq = rating_score(ratings("billing-enquiry-call", "trust", period))
        enq_n = answers("billing-enquiry-call", "trust", period)
        phone = [r for r in tickets if r[1].startswith(period) and r[2] == "Phone"]
        waits = [float(r[6]) for r in phone]
        within = 100.0 * sum(1 for w in waits if w <= PHONE_TARGET_MIN) / len(waits)
        csat = rating_score([int(r[4]) for r in phone if r[4]])
        svc = rating_score(ratings("installation-visit", "service", period))
        qual = rating_score(ratings("installation-visit", "quality", period))
        qa_svc = internal_value("installation-visit", "service", period)
        qa_qual = internal_value("installation-visit", "quality", period)
        print(
            f"{period}  | {bill:10.1f} {bill_nps:9.1f} | {enq:9.1f} {enq_n:6d} | "
            f"{median(waits):9.2f} {within:5.1f}% {csat:5.1f} {len(phone):3d} | "
            f"{svc:11.1f} {qual:4.1f} | {qa_svc:6.1f} {qa_qual:4.1f}"
        )


def main() -> None:
    rng = random.Random(SEED)
    periods = months()
    survey = generate_survey(rng, periods)
    nps = generate_nps(rng, periods)
    tickets = generate_tickets(rng, periods)
    internal = generate_internal(rng, periods)

    long_header = ["touchpoint", "dimension", "period", "persona", "value"]
    outputs: list[tuple[str, list[str], list[list[str]]]] = [
        ("survey.csv", long_header, survey),
        ("nps.csv", long_header, nps),
        (
            "tickets.csv",
            [
                "ticket_id",
                "created_at",
                "channel",
                "segment",
                "csat",
                "resolved_first_contact",
                "first_response_minutes",
            ],
            tickets,
        ),
        ("internal_kpis.csv", ["touchpoint", "dimension", "period", "value", "n"], internal),
    ]
    total = 0
    print(f"Northwind Mobile example data, seed {SEED}, {periods[0]}..{periods[-1]}")
    for name, header, rows in outputs:
        size = write_csv(OUT_DIR / name, header, rows)
        total += size
        print(f"  {OUT_DIR / name}: {len(rows):>6} rows, {size:>9,} bytes")
    print(f"  total: {total:,} bytes")
    summarise(periods, survey, nps, tickets, internal)


if __name__ == "__main__":
    main()
