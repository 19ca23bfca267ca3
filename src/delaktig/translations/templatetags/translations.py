"""``{% translation_notice process process.phases.all %}``: which parts of a page are still in
Swedish in the content language asked for. ``{{ text|lang_attrs }}``: `` lang="…"`` for a
text whose language is known (``Shown``)."""

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from delaktig.core.languages import SOURCE, content_language, language

from ..access import Shown, prefetch

register = template.Library()

# How many untranslated parts the notice names before it counts the rest.
NOTICE_PARTS = 6


def _objects(args: Iterable[Any]) -> list[Any]:
    out: list[Any] = []
    for arg in args:
        if arg is None or arg == "":
            continue
        if hasattr(arg, "translated_fields"):
            out.append(arg)
        elif isinstance(arg, Iterable) and not isinstance(arg, str):
            out.extend(item for item in arg if hasattr(item, "translated_fields"))
    return out


def _label(obj: Any) -> str:
    """The object's title in the content language where it has one (knowing its language),
    else its name."""
    for name in ("title", "name"):
        if name in obj.translated_fields:
            shown: Shown = getattr(obj.t, name)
            return shown
    return str(obj)


@register.inclusion_tag("translations/notice.html")
def translation_notice(*args: Any) -> dict[str, Any]:
    code = content_language()
    if code == SOURCE:
        return {"parts": []}
    objects = _objects(args)
    prefetch([o for o in objects if code not in o.__dict__.get("_delaktig_translations", {})], code)
    parts = []
    translated_any = False
    for obj in objects:
        missing = obj.untranslated_fields(code)
        filled = [name for name in obj.translated_fields if getattr(obj, name)]
        translated_any = translated_any or len(missing) < len(filled)
        if missing:
            names = [str(obj._meta.get_field(name).verbose_name) for name in missing]
            # An object with nothing translated is named whole, not field by field.
            whole = len(missing) == len(filled)
            parts.append({"label": _label(obj), "fields": [] if whole else names})
    target = language(code)
    # The language's name, in its own language and direction, inside the Swedish sentence.
    name = format_html(
        '<span lang="{}"{}>{}</span>',
        target.tag,
        mark_safe(' dir="rtl"') if target.rtl else "",
        target.name_local,
    )
    if parts and not translated_any:
        return {"parts": [], "nothing": True, "name": name}
    # A long page (a strategy with many indicators) names the first parts and counts the rest.
    return {
        "parts": parts[:NOTICE_PARTS],
        "more": len(parts) - NOTICE_PARTS if len(parts) > NOTICE_PARTS else 0,
        "name": name,
    }


@register.filter
def lang_attrs(value: Any) -> SafeString:
    return value.attrs if isinstance(value, Shown) else mark_safe("")
