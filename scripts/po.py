"""A small reader and writer for the gettext catalogue, used by the translation tests."""

import ast
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    msgid: str
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


def parse(path: Path) -> list[Entry]:
    return parse_text(path.read_text(encoding="utf-8"))


def parse_text(text: str) -> list[Entry]:
    entries: list[Entry] = []
    current: dict[str, object] = {}
    key: str | None = None

    def flush() -> None:
        if "msgid" in current:
            strs = current.get("msgstr", {})
            assert isinstance(strs, dict)
            entries.append(
                Entry(
                    msgid=str(current["msgid"]),
                    msgid_plural=current.get("msgid_plural"),  # type: ignore[arg-type]
                    msgctxt=current.get("msgctxt"),  # type: ignore[arg-type]
                    msgstr=[strs[k] for k in sorted(strs)],
                    flags=list(current.get("flags", [])),  # type: ignore[call-overload]
                )
            )

    for line in text.splitlines():
        if not line.strip():
            flush()
            current, key = {}, None
        elif line.startswith("#,"):
            current["flags"] = [f.strip() for f in line[2:].split(",")]
        elif line.startswith("#"):
            continue
        elif line.startswith(("msgctxt ", "msgid ", "msgid_plural ")):
            key, _, rest = line.partition(" ")
            current[key] = ast.literal_eval(rest)
        elif line.startswith("msgstr"):
            head, _, rest = line.partition(" ")
            index = int(head[7:-1]) if head.startswith("msgstr[") else 0
            current.setdefault("msgstr", {})
            current["msgstr"][index] = ast.literal_eval(rest)  # type: ignore[index]
            key = f"msgstr:{index}"
        elif line.startswith('"') and key:
            value = ast.literal_eval(line)
            if key.startswith("msgstr:"):
                current["msgstr"][int(key[7:])] += value  # type: ignore[index]
            else:
                current[key] = str(current[key]) + value
    flush()
    return entries
