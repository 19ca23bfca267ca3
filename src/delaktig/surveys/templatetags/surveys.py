from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from delaktig.core.languages import content_language, language

register = template.Library()


def _language(context: template.Context) -> str:
    """The survey's language on this page (``language`` in the context, a code), else the
    person's content language."""
    chosen = context.get("language")
    return chosen if isinstance(chosen, str) and chosen else content_language()


@register.simple_tag(takes_context=True)
def tr(context: template.Context, obj: Any, field: str) -> str:
    """A survey text in the survey's chosen content language, falling back to Swedish."""
    return str(obj.tr(field, _language(context)))


def _number(value: float, digits: int, *, trim: bool = True) -> str:
    """``value`` rounded to ``digits`` decimals in the active language's notation ("12,5" in
    Swedish, "12.5" in English). ``trim`` drops trailing zeros ("12", never "12,00"); shares in
    a table keep their one decimal so that a column reads evenly ("45,0 %", "37,5 %")."""
    rounded = round(float(value), digits) + 0.0  # + 0.0 turns -0.0 into 0.0
    text = f"{rounded:.{digits}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return number_format(Decimal(text), use_l10n=True)


@register.filter
def percent(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{_number(value * 100, 1, trim=False)} %"


@register.filter
def points(value: float | None) -> str:
    """A margin of error as ± percentage points."""
    if value is None:
        return "–"
    return f"±{_number(value * 100, 1, trim=False)}"


@register.filter
def decimal(value: float | None, digits: int = 2) -> str:
    """A number with at most ``digits`` decimals: 12 stays "12", never "12,00"."""
    if value is None:
        return "–"
    return _number(value, int(digits))


@register.filter
def fixed(value: float | None, digits: int = 2) -> str:
    """A number with exactly ``digits`` decimals, for a table column that should read evenly."""
    if value is None:
        return "–"
    return _number(value, int(digits), trim=False)


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
        return f"< {_number(0.01, 2)} %"
    return f"{_number(value * 100, 2)} %"


@register.simple_tag
def langattrs(code: str) -> SafeString:
    """`` lang="…"`` for text in the language ``code`` (its BCP 47 tag: lättläst is ``sv``),
    with ``dir`` where its direction differs from the interface's (Yiddish is right to left)."""
    shown = language(code)
    interface = language(get_language() or "sv")
    direction: Any = ""
    if shown.rtl != interface.rtl:
        direction = format_html(' dir="{}"', "rtl" if shown.rtl else "ltr")
    return format_html(' lang="{}"{}', shown.tag, direction)


@register.simple_tag(takes_context=True)
def trattrs(context: template.Context, obj: Any, field: str) -> SafeString:
    """``lang`` (and ``dir``) for a survey text in the language it is actually shown in."""
    return langattrs(obj.language_of(field, _language(context)))
