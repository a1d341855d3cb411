"""The indicator table (indicators.toml) loaded, checked and compiled.

Rules are data: every key of the contract is one row of the TOML file with its name, group, kind,
direction, definition, the phrasings that carry it (`patterns`) and what rules a clause out
(`vetoes`). A malformed table stops the program with a message naming the row."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pipeline.parse.numerals import COUNT_UNITS, RATE_UNITS

TABLE = Path(__file__).with_name("indicators.toml")

KINDS = ("count", "rate")
DIRECTIONS = ("higher", "lower", "neutral")
PICKS = ("first", "max")

# Units a figure may carry, by kind, with the multiplier to the stored unit.
UNITS: dict[str, dict[str, float]] = {
    "count": dict.fromkeys(COUNT_UNITS, 1.0),
    "rate": dict.fromkeys(RATE_UNITS, 1.0),
}
DISPLAY_UNIT = {"count": "件", "rate": "%"}


class IndicatorTableError(Exception):
    """The indicator table is malformed: bad configuration stops the program."""


@dataclass(frozen=True)
class Example:
    text: str
    value: float | None  # None: the sentence must not give this key


@dataclass(frozen=True)
class Rule:
    """One phrasing that carries a key; `levels` limits it to some kinds of government."""

    pattern: re.Pattern
    levels: tuple[str, ...] = ()
    after: str | None = None  # read only at the start of a sentence that follows one naming this


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    group_key: str
    group_name: str
    kind: str
    unit: str  # the unit shown in the dashboard
    direction: str
    definition: str
    range: tuple[float, float]
    pick: str
    units: dict[str, float]
    anchors: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = field(default=(), repr=False)
    veto: re.Pattern | None = field(default=None, repr=False)  # the row's vetoes as one pattern
    subpart_veto: re.Pattern | None = field(default=None, repr=False)  # tried on the sentence so far
    sentence_veto: re.Pattern | None = field(default=None, repr=False)  # likewise, for every level
    examples: tuple[Example, ...] = field(default=(), repr=False)
    order: int = 0


def _fail(row: str, why: str) -> None:
    raise IndicatorTableError(f"{TABLE.name}: {row}: {why}")


@cache
def load_indicators(path: Path = TABLE) -> tuple[Indicator, ...]:
    """Read and check the table once per process; raises IndicatorTableError naming the bad row."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise IndicatorTableError(f"{path.name}: cannot be read: {e}") from e
    groups = {g["key"]: g["name"] for g in raw.get("group", [])}
    group_sentence_vetoes = {g["key"]: g.get("sentence_vetoes", []) for g in raw.get("group", [])}
    default_vetoes = raw.get("defaults", {}).get("vetoes", [])
    subpart_veto = _compile_defaults(raw, "subpart_vetoes", path)
    default_sentence_vetoes = raw.get("defaults", {}).get("sentence_vetoes", [])
    seen: set[str] = set()
    out = []
    for n, row in enumerate(raw.get("indicator", []), 1):
        key = row.get("key") or _fail(f"indicator #{n}", "has no key")
        where = f"indicator {key!r}"
        if key in seen:
            _fail(where, "key appears twice")
        seen.add(key)
        for req in ("name", "group", "kind", "direction", "definition", "range", "anchors"):
            if not row.get(req) and row.get(req) != 0:
                _fail(where, f"missing {req!r}")
        if row["group"] not in groups:
            _fail(where, f"unknown group {row['group']!r}")
        if row["kind"] not in KINDS:
            _fail(where, f"kind must be one of {KINDS}")
        if row["direction"] not in DIRECTIONS:
            _fail(where, f"direction must be one of {DIRECTIONS}")
        pick = row.get("pick", "first")
        if pick not in PICKS:
            _fail(where, f"pick must be one of {PICKS}")
        units = UNITS[row["kind"]]
        wanted = row.get("units")
        if wanted is not None:
            unknown = [u for u in wanted if u not in units]
            if unknown:
                _fail(where, f"unknown units {unknown}")
            units = {u: units[u] for u in wanted}
        lo, hi = row["range"]
        try:
            rules = tuple(_compile_rule(p) for p in row.get("patterns", []))
            vetoes = (*default_vetoes, *row.get("vetoes", []))
            veto = re.compile("|".join(f"(?:{re.compile(v).pattern})" for v in vetoes))
            sentence = [
                *default_sentence_vetoes,
                *group_sentence_vetoes[row["group"]],
                *row.get("sentence_vetoes", []),
            ]
            sentence_veto = re.compile("|".join(f"(?:{v})" for v in sentence)) if sentence else None
        except (re.error, ValueError, KeyError, TypeError) as e:
            _fail(where, f"bad pattern: {e}")
        if not rules:
            _fail(where, "has no patterns")
        examples = tuple(Example(t, v) for t, v in row.get("examples", []))
        examples += tuple(Example(t, None) for t in row.get("counter_examples", []))
        out.append(
            Indicator(
                key=key,
                name=row["name"],
                group_key=row["group"],
                group_name=groups[row["group"]],
                kind=row["kind"],
                unit=row.get("unit", DISPLAY_UNIT[row["kind"]]),
                direction=row["direction"],
                definition=row["definition"],
                range=(lo, hi),
                pick=pick,
                units=units,
                anchors=tuple(row["anchors"]),
                rules=rules,
                veto=veto,
                subpart_veto=subpart_veto,
                sentence_veto=sentence_veto,
                examples=examples,
                order=n,
            )
        )
    return tuple(out)


def _compile_defaults(raw: dict, name: str, path: Path) -> re.Pattern | None:
    """One pattern of all the table's `defaults.<name>` alternatives, or None when there are none."""
    try:
        joined = "|".join(f"(?:{v})" for v in raw.get("defaults", {}).get(name, []))
        return re.compile(joined) if joined else None
    except re.error as e:
        raise IndicatorTableError(f"{path.name}: defaults.{name}: bad pattern: {e}") from e


def _compile_rule(entry: str | dict) -> Rule:
    from pipeline.parse.patterns import compile_pattern

    if isinstance(entry, str):
        return Rule(compile_pattern(entry))
    return Rule(compile_pattern(entry["rx"]), tuple(entry.get("levels", ())), entry.get("after"))


def indicator_map() -> dict[str, Indicator]:
    return {i.key: i for i in load_indicators()}
