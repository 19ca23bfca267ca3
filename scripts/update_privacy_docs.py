"""Write the register of personal data into docs/privacy.md (between its markers)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- register:start -->\n", "<!-- register:end -->"


def main() -> None:
    table = subprocess.run(  # noqa: S603 - this Python, this repository's manage.py
        [sys.executable, str(ROOT / "manage.py"), "privacy_register"],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_DEBUG": "1"},
    ).stdout
    doc = ROOT / "docs" / "privacy.md"
    text = doc.read_text(encoding="utf-8")
    start = text.index(START) + len(START)
    doc.write_text(text[:start] + table + text[text.index(END) :], encoding="utf-8")


if __name__ == "__main__":
    main()
