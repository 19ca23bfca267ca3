"""docs/privacy.md holds the register of personal data exactly as the apps declare it."""

from pathlib import Path

from delaktig.core.management.commands.privacy_register import register_markdown

DOC = Path(__file__).resolve().parents[1] / "docs" / "privacy.md"


def test_the_register_in_the_docs_matches_the_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("<!-- register:start -->\n") + len("<!-- register:start -->\n")
    end = text.index("<!-- register:end -->")
    assert text[start:end] == register_markdown(), (
        "docs/privacy.md is out of date: run `.venv/bin/python scripts/update_privacy_docs.py`"
    )
