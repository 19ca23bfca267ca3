"""Fill the English catalogue from an index file (``N|text`` or ``NP|one|||many``).

Used once to write the reviewed English catalogue; kept for the next batch of new strings:
`python scripts/po_fill.py translations.txt` after `make messages`.
"""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scripts.po import parse  # noqa: E402

PO = Path(__file__).resolve().parents[1] / "src/delaktig/locale/en/LC_MESSAGES/django.po"


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main(index_file: str) -> None:
    translations: dict[int, list[str]] = {}
    for line in Path(index_file).read_text(encoding="utf-8").splitlines():
        head, _, text = line.partition("|")
        text = text.replace("\\n", "\n")
        if head.endswith("P"):
            translations[int(head[:-1])] = text.split("|||")
        else:
            translations[int(head)] = [text]
    entries = [e for e in parse(PO) if e.msgid]
    blocks = PO.read_text(encoding="utf-8").split("\n\n")
    out = []
    index = 0
    for block in blocks:
        if 'msgid ""\nmsgstr ""' in block and index == 0 and "Project-Id-Version" in block:
            block = block.replace("#, fuzzy\n", "")
            block = re.sub(r'"Language: .*\\n"', '"Language: en\\\\n"', block)
            block = re.sub(
                r'"Plural-Forms: .*\\n"', '"Plural-Forms: nplurals=2; plural=(n != 1);\\\\n"', block
            )
            out.append(block)
            continue
        if "msgid " not in block:
            out.append(block)
            continue
        entry = entries[index]
        forms = translations[index]
        index += 1
        kept = [
            ln
            for ln in block.splitlines()
            if not ln.startswith("msgstr") and not (ln.startswith('"') and in_msgstr(block, ln))
        ]
        kept = [ln for ln in kept if ln != "#, fuzzy"]
        if entry.msgid_plural is not None:
            assert len(forms) == 2, (index, forms)
            kept += [f"msgstr[0] {quote(forms[0])}", f"msgstr[1] {quote(forms[1])}"]
        else:
            assert len(forms) == 1, (index, forms)
            kept.append(f"msgstr {quote(forms[0])}")
        out.append("\n".join(kept))
    assert index == len(entries) == len(translations), (index, len(entries), len(translations))
    PO.write_text("\n\n".join(out).rstrip("\n") + "\n", encoding="utf-8")


def in_msgstr(block: str, line: str) -> bool:
    """Whether a continuation line belongs to a msgstr (they follow the msgstr keyword)."""
    seen_msgstr = False
    for ln in block.splitlines():
        if ln.startswith("msgstr"):
            seen_msgstr = True
        elif ln.startswith(("msgid", "msgctxt", "#")):
            seen_msgstr = False
        if ln is line or ln == line:
            return seen_msgstr
    return False


if __name__ == "__main__":
    main(sys.argv[1])
