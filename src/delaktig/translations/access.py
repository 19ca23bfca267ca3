"""Reading translations: one query per object and language, or one for a whole list."""

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from delaktig.core.languages import SOURCE, content_language, language

if TYPE_CHECKING:
    from .models import TranslatedModel, Translation

_CACHE = "_delaktig_translations"


def _cache(obj: Any) -> dict[str, dict[str, "Translation"]]:
    cache: dict[str, dict[str, Translation]] | None = obj.__dict__.get(_CACHE)
    if cache is None:
        cache = {}
        obj.__dict__[_CACHE] = cache
    return cache


def rows_for(obj: "TranslatedModel", code: str) -> dict[str, "Translation"]:
    """``{field: Translation}`` of ``obj`` in ``code``, loaded once per object and language."""
    from .models import Translation

    cache = _cache(obj)
    if code not in cache:
        if code == SOURCE or obj.pk is None:
            cache[code] = {}
        else:
            rows = Translation.objects.filter(
                content_type=ContentType.objects.get_for_model(type(obj)),
                object_id=obj.pk,
                language=code,
            )
            cache[code] = {row.field: row for row in rows}
    return cache[code]


def forget(obj: Any) -> None:
    obj.__dict__.pop(_CACHE, None)


def prefetch(objects: Iterable[Any], code: str | None = None) -> None:
    """Load the translations of many objects (of one or more models) in one query per model."""
    from .models import Translation

    code = code or content_language()
    # Several instances may stand for one row (a council prefetched under two referrals).
    by_model: dict[type, dict[int, list[Any]]] = {}
    for obj in objects:
        if obj is None or obj.pk is None:
            continue
        _cache(obj)[code] = {}
        by_model.setdefault(type(obj), {}).setdefault(obj.pk, []).append(obj)
    if code == SOURCE:
        return
    for model, objs in by_model.items():
        rows = Translation.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=list(objs),
            language=code,
        )
        for row in rows:
            for obj in objs[row.object_id]:
                _cache(obj)[code][row.field] = row


def lang_attrs(code: str) -> SafeString:
    """`` lang="…"`` (and ``dir``) for text in ``code`` when it differs from the interface's."""
    return _lang_attrs(code, get_language() or SOURCE)


@lru_cache(maxsize=256)
def _lang_attrs(code: str, interface_code: str) -> SafeString:
    """Made once for each pair of languages: a long list asks for every row's title."""
    shown = language(code)
    interface = language(interface_code)
    if shown.tag == interface.tag:
        return mark_safe("")
    if shown.rtl != interface.rtl:
        return format_html(' lang="{}" dir="{}"', shown.tag, "rtl" if shown.rtl else "ltr")
    return format_html(' lang="{}"', shown.tag)


class Shown(str):
    """A text and the language it is in (which may be Swedish, where no translation exists)."""

    language: str
    requested: str

    def __new__(cls, text: str, language: str, requested: str) -> "Shown":
        value = super().__new__(cls, text)
        value.language = language
        value.requested = requested
        return value

    @property
    def attrs(self) -> SafeString:
        return lang_attrs(self.language)

    @property
    def fallback(self) -> bool:
        """Shown in the source language although another was asked for."""
        return self.language != self.requested and self.requested != SOURCE


class TranslatedView:
    """``obj.t.title``: the text of ``title`` in the request's content language."""

    def __init__(self, obj: "TranslatedModel") -> None:
        self._obj = obj

    def __getattr__(self, field: str) -> Shown:
        if field.startswith("_") or field not in self._obj.translated_fields:
            raise AttributeError(field)
        requested = content_language()
        shown = self._obj.language_of(field, requested)
        return Shown(self._obj.tr(field, requested), shown, requested)
