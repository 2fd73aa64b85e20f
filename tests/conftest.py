"""Shared fixtures: small projects written to a temporary folder, in either file layout."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

Item = dict[str, Any]

REPO = Path(__file__).resolve().parent.parent

CONFIG = """\
title: Test Telecom
measurements: []
"""

DEPARTMENTS: list[Item] = [
    {"id": "billing", "name": "Billing", "lead": "Ann Lee", "description": "Bills."},
    {"id": "customer-service", "name": "Customer Service", "lead": "Bo Chan", "description": ""},
]
PERSONAS: list[Item] = [
    {
        "id": "busy-parent",
        "name": "Busy Parent",
        "segment": "Consumer",
        "personality": "amiable",
        "share": 0.6,
        "goals": ["One bill"],
        "pains": ["Waiting"],
        "quote": "Just make it work.",
        "expectations": {"trust": 80, "response_time": 70},
    },
    {
        "id": "sole-trader",
        "name": "Sole Trader",
        "segment": "Business",
        "personality": "driver",
        "share": 0.3,
        "expectations": {"value": 75},
    },
]
TOUCHPOINTS: list[Item] = [
    {
        "id": "bill-statement",
        "name": "Bill statement",
        "channel": "mail",
        "mode": "offline",
        "owner": "billing",
        "importance": 5,
        "expectations": {"all": 75, "trust": 80},
    },
    {
        "id": "support-call",
        "name": "Support call",
        "channel": "phone",
        "mode": "offline",
        "owner": "customer-service",
        "supporting": ["billing"],
        "targets": {"response_time": {"target": 3, "unit": "min"}},
        "weights": {"response_time": 2},
    },
    {
        "id": "app-login",
        "name": "App login",
        "channel": "app",
        "mode": "online",
        "owner": "customer-service",
    },
]
JOURNEYS: list[Item] = [
    {
        "id": "pay-a-bill",
        "name": "Pay a bill",
        "personas": ["busy-parent", "sole-trader"],
        "weight": 2,
        "stages": [
            {
                "id": "receive",
                "name": "Receive",
                "phase": "post-sale",
                "touchpoints": ["bill-statement"],
            },
            {
                "id": "query",
                "name": "Query",
                "phase": "post-sale",
                "touchpoints": ["support-call", "app-login"],
            },
        ],
    }
]
PLAYBOOK = """\
---
title: Billing trust recovery
owner: billing
departments: [billing, customer-service]
touchpoints: [bill-statement]
dimensions: [trust]
trigger: {below: 60}
status: active
review_by: 2099-01-31
---
# When trust in bills drops

1. Billing checks the last bill run.
"""
ABOUT = "# About\n\nThis site shows how customers see us.\n"

KIND_ITEMS: dict[str, list[Item]] = {
    "departments": DEPARTMENTS,
    "personas": PERSONAS,
    "touchpoints": TOUCHPOINTS,
    "journeys": JOURNEYS,
}

ProjectFactory = Callable[..., Path]


def dump(value: object) -> str:
    return yaml.safe_dump(value, sort_keys=False, allow_unicode=True)


def write_project(root: Path, layout: str = "list") -> Path:
    """A small valid project: `list` puts kinds in data/<kind>.yaml; `folder`, a file per item."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "cxsite.yaml").write_text(CONFIG)
    data = root / "data"
    data.mkdir(exist_ok=True)
    for kind, items in KIND_ITEMS.items():
        if layout == "list":
            (data / f"{kind}.yaml").write_text(dump(items))
        else:
            (data / kind).mkdir(exist_ok=True)
            for item in items:
                (data / kind / f"{item['id']}.yaml").write_text(dump(item))
    (root / "content" / "playbooks").mkdir(parents=True, exist_ok=True)
    (root / "content" / "playbooks" / "billing-trust.md").write_text(PLAYBOOK)
    (root / "content" / "about.md").write_text(ABOUT)
    return root


@pytest.fixture
def make_project(tmp_path: Path) -> ProjectFactory:
    def factory(layout: str = "list", name: str = "project") -> Path:
        return write_project(tmp_path / name, layout)

    return factory


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """A copy of the repository's example project (Northwind Mobile)."""
    target = tmp_path / "northwind"
    target.mkdir()
    shutil.copy(REPO / "cxsite.yaml", target / "cxsite.yaml")
    for folder in ("data", "content", "themes"):
        shutil.copytree(REPO / folder, target / folder)
    return target
