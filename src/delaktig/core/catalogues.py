"""The interface's translation catalogues and whether each has been reviewed.

A catalogue's review state is written in its own PO header, where translators work:
``X-Delaktig-Review: reviewed`` (or ``not-reviewed``) and ``X-Delaktig-Reviewed-By: <who>``.
The language switcher offers an interface language only when its catalogue is marked reviewed;
the accessibility statement shows every catalogue with its state and how much of it is
translated. An unreviewed catalogue (Finnish, drafted by the developers) is shipped for
translators to review, never presented to residents as if it were done.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polib
from django.conf import settings

from .languages import SOURCE, language

REVIEWED = "reviewed"


@dataclass(frozen=True)
class Catalogue:
    code: str
    reviewed: bool
    reviewed_by: str
    translated: int
    total: int

    @property
    def name_local(self) -> str:
        return language(self.code).name_local

    @property
    def percent(self) -> int:
        return round(100 * self.translated / self.total) if self.total else 0


def _read(code: str, path: Path) -> Catalogue:
    po = polib.pofile(str(path))
    entries = [entry for entry in po if not entry.obsolete]
    translated = sum(1 for entry in entries if entry.translated())
    return Catalogue(
        code=code,
        reviewed=po.metadata.get("X-Delaktig-Review", "").strip() == REVIEWED,
        reviewed_by=po.metadata.get("X-Delaktig-Reviewed-By", "").strip(),
        translated=translated,
        total=len(entries),
    )


@cache
def catalogues() -> tuple[Catalogue, ...]:
    """Every shipped catalogue of the interface (not Swedish, the source), by code."""
    found: list[Catalogue] = []
    codes = [code for code, _name in settings.LANGUAGES if code != SOURCE]
    for code in codes:
        for base in settings.LOCALE_PATHS:
            path = Path(base) / code / "LC_MESSAGES" / "django.po"
            if path.exists():
                found.append(_read(code, path))
                break
    return tuple(found)


def offered_interface_languages() -> tuple[str, ...]:
    """Swedish and every interface language whose catalogue is marked reviewed."""
    return (SOURCE, *(c.code for c in catalogues() if c.reviewed))
