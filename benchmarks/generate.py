"""A seeded generator of synthetic but realistic cxsite projects for the benchmarks.

    python benchmarks/generate.py --size medium --out /tmp/cx-medium
    python benchmarks/generate.py --size large --rows 3000000 --out /tmp/cx-3m

Sizes: medium (300 touchpoints, 100 playbooks, 1M rows), large (2,000 touchpoints,
40 journeys, 1,000 playbooks of about 600 words, 10M rows over 36 months), target (issue
15's project: 300 touchpoints, 12 journeys, 1,000 playbooks, 3M rows over 24 months). `--rows`
overrides only the number of measurement rows (70% survey, 30% tickets); definitions and
playbooks stay those of the size, so projects that differ only in rows can be compared.
"""

from __future__ import annotations

import argparse
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import yaml


@dataclass(frozen=True)
class Size:
    touchpoints: int
    journeys: int
    playbooks: int
    rows: int
    months: int


SIZES = {
    "medium": Size(300, 12, 100, 1_000_000, 24),
    "large": Size(2_000, 40, 1_000, 10_000_000, 36),
    "target": Size(300, 12, 1_000, 3_000_000, 24),  # issue 15's 300-touchpoint project
}
DEPARTMENTS = ["marketing", "sales", "service", "it", "billing", "field", "stores", "network",
               "logistics", "legal", "finance", "cx-office"]  # fmt: skip
PERSONAS = ["analyst", "driver", "amiable", "expressive", "student", "business"]
CHANNELS = ["web", "app", "phone", "email", "chat", "store", "mail", "social", "field", "other"]
DIMENSIONS = ["trust", "value", "response_time", "service", "quality"]
WORDS = (
    "customer billing call wait score owner team review escalate journey touchpoint "
    "weekly monthly target trust quality value service response fix agree measure "
    "report share check plan staffing queue callback refund credit outage engineer"
).split()


def months(count: int) -> list[str]:
    return [f"{2023 + (i // 12)}-{i % 12 + 1:02d}" for i in range(count)]


def write_definitions(root: Path, size: Size, rng: np.random.Generator) -> list[str]:
    data = root / "data"
    (data / "touchpoints").mkdir(parents=True)
    (data / "departments.yaml").write_text(
        yaml.safe_dump(
            [{"id": d, "name": d.title(), "lead": "Lead", "description": ""} for d in DEPARTMENTS]
        )
    )
    (data / "personas.yaml").write_text(
        yaml.safe_dump(
            [
                {
                    "id": p,
                    "name": p.title(),
                    "segment": "Consumer",
                    "personality": p,
                    "share": 0.15,
                    "expectations": {d: 75 for d in DIMENSIONS},
                }
                for p in PERSONAS
            ]  # fmt: skip
        )
    )
    ids = [f"tp-{i:04d}" for i in range(size.touchpoints)]
    for index, tp in enumerate(ids):
        channel = CHANNELS[index % len(CHANNELS)]
        item = {
            "id": tp,
            "name": f"Touchpoint {index}",
            "description": "A moment where customers deal with us.",
            "channel": channel,
            "mode": "online" if channel in ("web", "app", "email", "chat", "social") else "offline",
            "owner": DEPARTMENTS[index % len(DEPARTMENTS)],
            "supporting": [DEPARTMENTS[(index + 3) % len(DEPARTMENTS)]],
            "importance": int(rng.integers(1, 6)),
            "targets": {"response_time": {"target": 5, "unit": "min"}},
            "expectations": {"all": 75},
        }
        (data / "touchpoints" / f"{tp}.yaml").write_text(yaml.safe_dump(item, sort_keys=False))
    journeys = []
    per_stage = max(1, size.touchpoints // (size.journeys * 5))
    for j in range(size.journeys):
        stages = []
        for s in range(5):
            start = ((j * 5 + s) * per_stage) % size.touchpoints
            stages.append(
                {
                    "id": f"s{s}",
                    "name": f"Stage {s}",
                    "phase": "pre-sale" if s < 2 else "post-sale",
                    "touchpoints": ids[start : start + per_stage],
                }  # fmt: skip
            )
        journeys.append(
            {
                "id": f"journey-{j:02d}",
                "name": f"Journey {j}",
                "description": "",
                "personas": PERSONAS[:3],
                "weight": 1,
                "stages": stages,
            }  # fmt: skip
        )
    (data / "journeys.yaml").write_text(yaml.safe_dump(journeys, sort_keys=False))
    return ids


def paragraph(rng: np.random.Generator, words: int) -> str:
    chosen = rng.choice(WORDS, size=words)
    return " ".join(chosen).capitalize() + "."


def write_playbooks(root: Path, size: Size, ids: list[str], rng: np.random.Generator) -> None:
    folder = root / "content" / "playbooks"
    folder.mkdir(parents=True)
    for p in range(size.playbooks):
        tp = ids[p % len(ids)]
        front = {
            "title": f"Playbook {p}",
            "owner": DEPARTMENTS[p % len(DEPARTMENTS)],
            "departments": DEPARTMENTS[:3],
            "touchpoints": [tp],
            "dimensions": ["response_time"],
            "trigger": {"below": 60},
            "status": "active",
            "review_by": "2099-01-01",
        }
        body = [f"# Playbook {p}", "", paragraph(rng, 60), "",
                f'Now: {{{{< score touchpoint="{tp}" dimension="response_time" >}}}}', ""]  # fmt: skip
        for section in range(4):
            body += [f"## Step {section + 1}", "", paragraph(rng, 90), ""]
            body += ["| Who | What | When |", "|---|---|---|"]
            body += [f"| {DEPARTMENTS[k]} | {paragraph(rng, 5)} | day {k} |" for k in range(3)]
            body += ["", "- [ ] " + paragraph(rng, 8), "- [x] " + paragraph(rng, 8), ""]
        body.append(f'{{{{< trend touchpoint="{tp}" dimension="response_time" >}}}}')
        text = "---\n" + yaml.safe_dump(front, sort_keys=False) + "---\n" + "\n".join(body) + "\n"
        (folder / f"playbook-{p:04d}.md").write_text(text)


def write_measurements(root: Path, size: Size, ids: list[str], rng: np.random.Generator) -> None:
    folder = root / "data" / "measurements"
    folder.mkdir(parents=True)
    periods = np.array(months(size.months))
    long_rows = int(size.rows * 0.7)
    wide_rows = size.rows - long_rows
    chunk = 1_000_000
    ids_array = np.array(ids)
    personas = np.array([*PERSONAS, ""])
    with pacsv.CSVWriter(
        folder / "survey.csv",
        pa.schema(
            [
                ("touchpoint", pa.string()),
                ("dimension", pa.string()),
                ("period", pa.string()),
                ("persona", pa.string()),
                ("value", pa.int8()),
            ]  # fmt: skip
        ),
    ) as writer:
        for start in range(0, long_rows, chunk):
            n = min(chunk, long_rows - start)
            writer.write_table(pa.table({
                "touchpoint": ids_array[rng.integers(0, len(ids), n)],
                "dimension": np.array(DIMENSIONS)[rng.integers(0, 5, n)],
                "period": periods[rng.integers(0, len(periods), n)],
                "persona": personas[rng.integers(0, len(personas), n)],
                "value": rng.integers(1, 6, n).astype(np.int8),
            }))  # fmt: skip
    with pacsv.CSVWriter(
        folder / "tickets.csv",
        pa.schema(
            [
                ("touchpoint", pa.string()),
                ("created_at", pa.string()),
                ("csat", pa.int8()),
                ("resolved", pa.string()),
                ("wait_minutes", pa.float32()),
            ]  # fmt: skip
        ),
    ) as writer:
        for start in range(0, wide_rows, chunk):
            n = min(chunk, wide_rows - start)
            days = rng.integers(1, 29, n)
            writer.write_table(pa.table({
                "touchpoint": ids_array[rng.integers(0, len(ids), n)],
                "created_at": np.char.add(np.char.add(periods[rng.integers(0, len(periods), n)], "-"),
                                          np.char.zfill(days.astype(str), 2)),
                "csat": rng.integers(1, 6, n).astype(np.int8),
                "resolved": np.where(rng.random(n) < 0.7, "Yes", "No"),
                "wait_minutes": np.round(rng.gamma(2.0, 2.0, n), 1).astype(np.float32),
            }))  # fmt: skip


CONFIG = """\
title: Benchmark ({size})
measurements:
  - {{path: data/measurements/survey.csv, layout: long, kind: rating, scale: [1, 5]}}
  - path: data/measurements/tickets.csv
    layout: wide
    period: {{column: created_at}}
    touchpoint: {{column: touchpoint}}
    columns:
      csat: {{dimension: service, kind: rating, scale: [1, 5]}}
      resolved: {{dimension: quality, kind: boolean}}
      wait_minutes: {{dimension: response_time, kind: duration, unit: min}}
"""


def generate(size_name: str, out: Path, seed: int = 2026, rows: int | None = None) -> Path:
    size = SIZES[size_name] if rows is None else replace(SIZES[size_name], rows=rows)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    (out / "cxsite.yaml").write_text(CONFIG.format(size=size_name))
    ids = write_definitions(out, size, rng)
    write_playbooks(out, size, ids, rng)
    write_measurements(out, size, ids, rng)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=list(SIZES), default="medium")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rows", type=int, help="measurement rows (default: the size's)")
    args = parser.parse_args()
    print(generate(args.size, args.out, args.seed, args.rows))


if __name__ == "__main__":
    main()
