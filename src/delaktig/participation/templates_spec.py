"""Process templates: the stored spec, checked, written as TOML and turned into dates.

A template's spec is the demo content's process table (``process_from_spec`` in
``participation/demo.py``) with the modules and phases a process starts with::

    [process]            # process_create's fields; code lists targets, perspectives, goals,
    title = "…{year}"    # sdg_targets; body_name; decision_expected_days (after the start)
    [[modules]]          # key (named by phases), kind (a registered module), title,
    key = "samtal"       # description, and settings the module's TemplateHooks read
    [[phases]]           # name, description, start_day and days (counted from the start),
    module = "samtal"    # module (a key; none: a phase to inform) and phase_type

Officials read and edit it as TOML (``spec_to_toml``/``spec_from_toml``); it is stored as
JSON. ``spec_check`` refuses what a process could not be made from, with an error that says
where.
"""

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from delaktig.core.errors import ValidationFailed

from . import registry
from .models import LadderStep, Perspective, TargetGroup

TEXT_FIELDS = {
    "title": 200,
    "summary": 600,
    "easy_read_summary": 2000,
    "body": 20000,
    "question": 2000,
    "purpose": 2000,
    "input_use": 2000,
    "decision_maker": 200,
    "target_group_analysis": 2000,
    "body_name": 200,
    "language": 5,
}
REQUIRED_TEXT = ("title", "summary", "purpose", "input_use", "decision_maker")
CODE_LISTS = ("targets", "perspectives", "goals", "sdg_targets")
MAX_DAYS = 3650
MAX_ITEMS = 30


def _where(*parts: object) -> str:
    return ".".join(str(p) for p in parts)


def _invalid(code: str, **params: Any) -> ValidationFailed:
    return ValidationFailed(f"participation.template_{code}", field="content", **params)


def check_keys(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    for key in table:
        if key not in allowed:
            raise _invalid("unknown_key", what=_where(where, key) if where else key)


def check_text(
    table: Mapping[str, Any], key: str, where: str, *, required: bool = False, limit: int = 2000
) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise _invalid("not_text", what=_where(where, key))
    if required and not value.strip():
        raise _invalid("missing", what=_where(where, key))
    if len(value) > limit:
        raise _invalid("too_long", what=_where(where, key), max=limit)
    return value


def check_number(table: Mapping[str, Any], key: str, where: str, low: int, high: int) -> int:
    value = table.get(key)
    if value is None:
        raise _invalid("missing", what=_where(where, key))
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _invalid("not_number", what=_where(where, key), low=low, high=high)
    return value


def check_table(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _invalid("not_table", what=where)
    return value


def check_list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        raise _invalid("not_list", what=where, max=MAX_ITEMS)
    return value


def _check_codes(process: Mapping[str, Any]) -> None:
    known: dict[str, set[Any]] = {
        "targets": set(TargetGroup.Code.values),
        "perspectives": set(Perspective.Code.values),
        "goals": set(range(1, 18)),
    }
    for name in CODE_LISTS:
        for value in check_list(process.get(name, []), _where("process", name)):
            allowed = known.get(name)
            ok = value in allowed if allowed else isinstance(value, str) and len(value) <= 8
            if not ok:
                raise _invalid("unknown_code", what=_where("process", name), value=value)


def _check_process(spec: Mapping[str, Any]) -> None:
    process = check_table(spec.get("process"), "process")
    check_keys(
        process,
        {*TEXT_FIELDS, *CODE_LISTS, "ladder_step", "decision_expected_days"},
        "process",
    )
    for name, limit in TEXT_FIELDS.items():
        check_text(process, name, "process", required=name in REQUIRED_TEXT, limit=limit)
    check_number(process, "ladder_step", "process", LadderStep.INFORMATION, LadderStep.CO_DECISION)
    if "decision_expected_days" in process:
        check_number(process, "decision_expected_days", "process", 0, MAX_DAYS)
    _check_codes(process)


def _check_modules(spec: Mapping[str, Any]) -> dict[str, registry.ModuleType]:
    kinds: dict[str, registry.ModuleType] = {}
    for index, item in enumerate(check_list(spec.get("modules", []), "modules"), start=1):
        where = _where("modules", index)
        module = check_table(item, where)
        check_keys(module, {"key", "kind", "title", "description", "settings"}, where)
        key = check_text(module, "key", where, required=True, limit=60)
        kind = check_text(module, "kind", where, required=True, limit=40)
        check_text(module, "title", where, required=True, limit=200)
        check_text(module, "description", where, limit=2000)
        if key in kinds:
            raise _invalid("duplicate_module", key=key)
        try:
            kinds[key] = registry.get(kind)
        except KeyError:
            raise _invalid("unknown_module_kind", kind=kind) from None
        settings = check_table(module.get("settings", {}), _where(where, "settings"))
        hooks = kinds[key].templates
        if settings and hooks is None:
            raise _invalid("unknown_key", what=_where(where, "settings"))
        if settings and hooks is not None:
            hooks.check(settings, _where(where, "settings"))
    return kinds


def _check_phases(spec: Mapping[str, Any], kinds: Mapping[str, registry.ModuleType]) -> None:
    fields = {"name", "description", "start_day", "days", "module", "phase_type"}
    for index, item in enumerate(check_list(spec.get("phases", []), "phases"), start=1):
        where = _where("phases", index)
        phase = check_table(item, where)
        check_keys(phase, fields, where)
        name = check_text(phase, "name", where, required=True, limit=120)
        check_text(phase, "description", where, limit=2000)
        check_number(phase, "start_day", where, 0, MAX_DAYS)
        check_number(phase, "days", where, 1, MAX_DAYS)
        module = check_text(phase, "module", where, limit=60)
        phase_type = check_text(phase, "phase_type", where, limit=40)
        if not module:
            if phase_type:
                raise _invalid("unknown_key", what=_where(where, "phase_type"))
            continue
        if module not in kinds:
            raise _invalid("unknown_module", phase=name, module=module)
        if kinds[module].phase_type(phase_type) is None:
            raise _invalid("unknown_phase_type", phase=name, phase_type=phase_type)


def spec_check(spec: Any) -> dict[str, Any]:
    """``spec`` if a process can be made from it, else ``ValidationFailed`` saying where."""
    table = check_table(spec, "")
    check_keys(table, {"process", "modules", "phases"}, "")
    _check_process(table)
    _check_phases(table, _check_modules(table))
    return dict(table)


# --- Dates ---


@dataclass(frozen=True)
class PlannedPhase:
    name: str
    description: str
    module: str
    phase_type: str
    starts_on: date
    ends_on: date  # the first day after the phase


def schedule(spec: Mapping[str, Any], start: date) -> list[PlannedPhase]:
    """The template's phases with dates, counted from ``start``."""
    return [
        PlannedPhase(
            name=phase["name"],
            description=phase.get("description", ""),
            module=phase.get("module", ""),
            phase_type=phase.get("phase_type", ""),
            starts_on=start + timedelta(days=phase["start_day"]),
            ends_on=start + timedelta(days=phase["start_day"] + phase["days"]),
        )
        for phase in spec.get("phases", [])
    ]


def decision_expected(spec: Mapping[str, Any], start: date) -> date | None:
    days = spec.get("process", {}).get("decision_expected_days")
    return None if days is None else start + timedelta(days=days)


def title_for(spec: Mapping[str, Any], start: date) -> str:
    """The title, with ``{year}`` replaced by the start's year."""
    return str(spec["process"]["title"]).replace("{year}", str(start.year))


# --- TOML ---

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    text = str(value)
    if "\n" in text and "'''" not in text and not _CONTROL.search(text) and "\r" not in text:
        return "'''\n" + text + "'''"
    return json.dumps(text, ensure_ascii=False)


def _is_tables(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _dump(table: Mapping[str, Any], path: str, out: list[str]) -> None:
    for key, value in table.items():
        if value is not None and not isinstance(value, Mapping) and not _is_tables(value):
            out.append(f"{_key(key)} = {_value(value)}")
    for key, value in table.items():
        name = f"{path}.{_key(key)}" if path else _key(key)
        if isinstance(value, Mapping):
            out.append(f"\n[{name}]")
            _dump(value, name, out)
        elif _is_tables(value):
            for item in value:
                out.append(f"\n[[{name}]]")
                _dump(item, name, out)


def spec_to_toml(spec: Mapping[str, Any]) -> str:
    out: list[str] = []
    _dump(spec, "", out)
    return "\n".join(out).strip() + "\n"


def spec_from_toml(text: str) -> dict[str, Any]:
    """The spec written in ``text``, checked."""
    try:
        spec = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+)", str(error))
        # "at end of document" has no line number: the last line.
        line = found.group(1) if found else str(text.rstrip().count("\n") + 1)
        raise _invalid("toml", line=line) from None
    return spec_check(spec)
