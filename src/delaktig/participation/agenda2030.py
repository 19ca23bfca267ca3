"""Agenda 2030's 17 goals and 169 targets, read from the data shipped in ``data/agenda2030``.

No Django here: the data migration and the tests both read it through these functions.
"""

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data" / "agenda2030"


@dataclass(frozen=True)
class Goal:
    number: int
    short_en: str
    title_en: str
    name_sv: str


@dataclass(frozen=True)
class Target:
    goal: int
    code: str  # "1.1" or "1.a"
    title_en: str
    position: int


def _target_sort_key(suffix: str) -> tuple[int, int | str]:
    return (0, int(suffix)) if suffix.isdigit() else (1, suffix)


def goals() -> list[Goal]:
    texts = yaml.safe_load((DATA_DIR / "global_goals.en.yml").read_text(encoding="utf-8"))
    with (DATA_DIR / "goals.sv.csv").open(encoding="utf-8") as handle:
        swedish = {int(row["goal"]): row["name_sv"] for row in csv.DictReader(handle)}
    return [Goal(n, texts[f"{n}-short"], texts[f"{n}-title"], swedish[n]) for n in range(1, 18)]


def targets() -> list[Target]:
    texts = yaml.safe_load((DATA_DIR / "global_targets.en.yml").read_text(encoding="utf-8"))
    parsed = []
    for key, title in texts.items():
        match = re.fullmatch(r"(\d+)-([0-9a-z]+)-title", key)
        if match:
            parsed.append((int(match[1]), match[2], " ".join(str(title).split())))
    parsed.sort(key=lambda item: (item[0], _target_sort_key(item[1])))
    result: list[Target] = []
    for goal, suffix, title in parsed:
        position = len([t for t in result if t.goal == goal]) + 1
        result.append(Target(goal, f"{goal}.{suffix}", title, position))
    return result
