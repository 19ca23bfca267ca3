"""Translations of the organisations' own texts, one row per object, language and field.

Every public text written in Swedish (a process and its phases and feedback, a meeting, a
council, a referral, a strategy, an information page, a survey's questions …) can carry a
translation into each content language the organisation offers (``core.languages``). A row keeps
who translated it, whether it is a draft or reviewed, and a fingerprint of the Swedish it was
made from: when the Swedish changes, the translation is stale at once and the Swedish is shown
until a translator updates it. The public sees only reviewed, current translations.

A model takes part by inheriting :class:`TranslatedModel` and naming ``translated_fields``; the
translators' workbench finds it through the registry (``core.contributions.TranslatableKind``).
"""

import hashlib
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


def source_hash(text: str) -> str:
    """A short fingerprint of a Swedish text, stored with its translation."""
    return hashlib.sha256(text.encode()).hexdigest()[:12]


class Translation(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        REVIEWED = "reviewed", _("Granskad")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    language = models.CharField(_("språk"), max_length=12)
    field = models.CharField(_("fält"), max_length=60)
    text = models.TextField(_("översättning"))
    source_hash = models.CharField(max_length=12)
    # The Swedish the translation was made from, so that a translator of a stale text sees
    # what changed.
    source_text = models.TextField(blank=True)
    state = models.CharField(
        _("granskning"), max_length=10, choices=State.choices, default=State.DRAFT
    )
    translator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("översättare"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granskad av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("översättning")
        verbose_name_plural = _("översättningar")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "language", "field"],
                name="translation_one_per_field",
            ),
            models.CheckConstraint(
                condition=~models.Q(language="sv"), name="translation_not_into_source"
            ),
        ]
        indexes = [models.Index(fields=["language", "content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} {self.field} [{self.language}]"

    @property
    def reviewed(self) -> bool:
        return self.state == self.State.REVIEWED


class TranslatedModel(models.Model):
    """A model whose ``translated_fields`` can carry translations.

    ``tr(field)`` gives the text in the content language of the request where a reviewed and
    current translation exists, the Swedish otherwise; ``t.<field>`` gives the same as a string
    that knows its language, for templates (``<h1{{ process.t.title.attrs }}>``).
    """

    translated_fields: ClassVar[tuple[str, ...]] = ()
    # Fields whose text is Markdown (rendered, and edited in a larger box).
    markdown_fields: ClassVar[tuple[str, ...]] = ()

    translation_rows = GenericRelation(Translation)

    class Meta:
        abstract = True

    # The language the source texts are written in; a model with a ``language`` field says.
    def source_language(self) -> str:
        return str(getattr(self, "language", "") or "sv")

    def translation_row(self, field: str, language: str) -> Translation | None:
        from .access import rows_for

        return rows_for(self, language).get(field)

    def translation(self, field: str, language: str, *, drafts: bool = False) -> str:
        """The current translation of ``field`` (reviewed, unless ``drafts``), or ""."""
        row = self.translation_row(field, language)
        if row is None or not row.text.strip():
            return ""
        if row.source_hash != source_hash(str(getattr(self, field) or "")):
            return ""
        if not drafts and not row.reviewed:
            return ""
        return row.text

    def is_stale(self, field: str, language: str) -> bool:
        row = self.translation_row(field, language)
        return bool(
            row is not None
            and row.text.strip()
            and row.source_hash != source_hash(str(getattr(self, field) or ""))
        )

    def language_of(self, field: str, language: str | None = None) -> str:
        """The language the text of ``field`` is actually shown in."""
        from delaktig.core.languages import content_language

        language = language or content_language()
        if language != self.source_language() and self.translation(field, language):
            return language
        return self.source_language()

    def tr(self, field: str, language: str | None = None) -> str:
        from delaktig.core.languages import content_language

        language = language or content_language()
        if language == self.source_language():
            return str(getattr(self, field) or "")
        return self.translation(field, language) or str(getattr(self, field) or "")

    def has_translation(self, language: str) -> bool:
        """Every non-empty source text has a current, reviewed translation into ``language``."""
        return all(
            self.translation(f, language) for f in self.translated_fields if getattr(self, f)
        )

    def untranslated_fields(self, language: str) -> list[str]:
        """The non-empty fields shown in Swedish in ``language``."""
        if language == self.source_language():
            return []
        return [
            f
            for f in self.translated_fields
            if getattr(self, f) and not self.translation(f, language)
        ]

    @property
    def t(self) -> Any:
        from .access import TranslatedView

        return TranslatedView(self)
