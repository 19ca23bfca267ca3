"""Fill the entries of the English catalogue that are empty or fuzzy, in file order.

Input lines: ``N|text`` (N counts only the missing entries, from 0). After `make messages`,
list the missing ones, translate them, run this, and compile with `make messages` again.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scripts.po import Entry, parse_text  # noqa: E402
from scripts.po_fill import PO, quote  # noqa: E402


def main(index_file: str) -> None:
    wanted = {}
    for line in Path(index_file).read_text(encoding="utf-8").splitlines():
        head, _, text = line.partition("|")
        wanted[int(head.rstrip("P"))] = text.replace("\\n", "\n").split("|||")
    blocks = PO.read_text(encoding="utf-8").split("\n\n")
    out: list[str] = []
    missing_index = 0
    for block in blocks:
        entries = [e for e in parse_block(block) if e.msgid]
        if not entries:
            out.append(block)
            continue
        entry = entries[0]
        if entry.msgstr and all(entry.msgstr) and "fuzzy" not in entry.flags:
            out.append(block)
            continue
        forms = wanted[missing_index]
        missing_index += 1
        lines = [
            ln.replace("#, fuzzy, ", "#, ")
            for ln in block.splitlines()
            if ln != "#, fuzzy" and not ln.startswith("#| ")
        ]
        kept: list[str] = []
        for ln in lines:
            if ln.startswith("msgstr"):
                break
            kept.append(ln)
        if entry.msgid_plural is not None:
            kept += [f"msgstr[0] {quote(forms[0])}", f"msgstr[1] {quote(forms[1])}"]
        else:
            kept.append(f"msgstr {quote(forms[0])}")
        out.append("\n".join(kept))
    assert missing_index == len(wanted), (missing_index, len(wanted))
    PO.write_text("\n\n".join(out).rstrip("\n") + "\n", encoding="utf-8")


def parse_block(block: str) -> list[Entry]:
    return parse_text(block + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
