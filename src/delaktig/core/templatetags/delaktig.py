from typing import Any

from django import forms, template
from django.utils.safestring import SafeString, mark_safe

from delaktig.core.markdown import render_markdown
from delaktig.core.widgets import MarkdownEditor

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3


@register.simple_tag
def field_widget(field: forms.BoundField) -> SafeString:
    """Render a widget tied to its help text and errors for assistive technology."""
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_help")
    if field.errors:
        described_by.append(f"{field.auto_id}_error")
    attrs: dict[str, Any] = {}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
    if isinstance(field.field.widget, MarkdownEditor):  # names its buttons and preview
        attrs[MarkdownEditor.LABEL_ATTR] = str(field.label)
    widget = field.as_widget(attrs=attrs)
    if field.field.show_hidden_initial:  # the value shown, to tell what the person changed
        return widget + field.as_hidden(only_initial=True)
    return widget


@register.filter
def is_checkbox(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.simple_tag(takes_context=True)
def query_with_param(context: template.Context, name: str, value: Any) -> str:
    """Like query_with, for a parameter whose name is itself a variable."""
    return query_with(context, **{name: value})


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **kwargs: Any) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


# Fields that order a list rather than narrow it; they do not count as active filters.
NOT_FILTERS = frozenset({"sort", "page"})


@register.filter
def active_filter_count(form: forms.Form) -> int:
    """How many fields of a bound filter form narrow the list (shown on a collapsed filter)."""
    if not form.is_bound:
        return 0
    data = form.data
    count = 0
    for name in form.fields:
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        if name not in NOT_FILTERS and any(str(value or "").strip() for value in values):
            count += 1
    return count
