from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag(takes_context=True)
def tr(context: template.Context, obj: Any, field: str) -> str:
    """A survey text in the survey's chosen content language, falling back to Swedish."""
    language = context.get("language") or (get_language() or "sv")[:2]
    return str(obj.tr(field, language))


@register.filter
def percent(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value * 100:.1f} %".replace(".", ",")


@register.filter
def points(value: float | None) -> str:
    """A margin of error as ± percentage points."""
    if value is None:
        return "–"
    return f"±{value * 100:.1f}".replace(".", ",")


@register.filter
def decimal(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "–"
    return f"{value:.{int(digits)}f}".replace(".", ",")


@register.filter
def getfield(form: Any, name: str) -> Any:
    return form[name]


@register.filter
def verbose_kind(obj: Any) -> str:
    return str(obj._meta.verbose_name).capitalize()


@register.filter
def get_label(labels: dict[str, str], key: str) -> str:
    return labels.get(key, key)


@register.filter
def margin_names(margins: list[str]) -> str:
    from delaktig.surveys.results import margin_labels

    names = margin_labels()
    return ", ".join(names.get(m, m) for m in margins)


@register.filter
def small_percent(value: float | None) -> str:
    """A relative error as a percentage; tiny ones as "< 0,01 %"."""
    if value is None:
        return "–"
    if value < 0.0001:
        return "< 0,01 %"
    return f"{value * 100:.2f} %".replace(".", ",")


@register.simple_tag(takes_context=True)
def trlang(context: template.Context, obj: Any, field: str) -> str:
    """The language a survey text is actually shown in, for its ``lang`` attribute."""
    language = context.get("language") or (get_language() or "sv")[:2]
    return str(obj.language_of(field, language))
