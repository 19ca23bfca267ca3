"""The translatable kind the tests use: processes, as ``participation`` registers them, or
(while it does not yet) a kind built here for ``participation.Process`` and put in the registry
only for the test, so that nothing is registered globally."""

from collections.abc import Iterator

import pytest
from django.apps import apps

from delaktig.core import contributions
from delaktig.core.contributions import Contribution, TranslatableKind

FIELDS = ("title", "summary", "body")


# Asked of the app registry: participation sits above translations.
Process = apps.get_model("participation", "Process")


def _registered() -> TranslatableKind | None:
    return next((k for k in contributions.translatable_kinds() if k.model is Process), None)


@pytest.fixture
def process_kind(monkeypatch: pytest.MonkeyPatch) -> Iterator[TranslatableKind]:
    kind = _registered()
    if kind is not None:
        yield kind
        return
    if not getattr(Process, "translated_fields", ()):
        monkeypatch.setattr(Process, "translated_fields", FIELDS, raising=False)
        monkeypatch.setattr(Process, "markdown_fields", ("body",), raising=False)
    kind = TranslatableKind(
        key="participation.process",
        name="Process",
        model=Process,
        organisation="organisation_id",
        url=lambda process: process.get_absolute_url(),
        label=lambda process: process.title,
    )
    monkeypatch.setitem(
        contributions._contributions,
        "translations_tests",
        Contribution(app_label="translations_tests", translatable=(kind,)),
    )
    yield kind
