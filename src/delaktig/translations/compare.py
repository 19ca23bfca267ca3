"""What changed in the Swedish since a translation was made: a word diff for the workbench."""

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_WORDS = re.compile(r"(\s+)")


def word_diff(old: str, new: str) -> SafeString:
    """``new`` with the words taken out of ``old`` in ``<del>`` and the words put in as
    ``<ins>`` (escaped; whitespace kept as it was)."""
    before, after = _WORDS.split(old), _WORDS.split(new)
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(escape("".join(after[j1:j2])))
            continue
        removed, added = "".join(before[i1:i2]), "".join(after[j1:j2])
        if removed.strip():
            out.append(f"<del>{escape(removed)}</del>")
        elif removed:
            out.append(escape(removed))
        if added.strip():
            out.append(f"<ins>{escape(added)}</ins>")
        elif added:
            out.append(escape(added))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above
