"""Form widgets shared by every app."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from .markdown import render_markdown


class MarkdownEditor(forms.Textarea):
    """A textarea for Markdown that staff write and the site renders with ``render_markdown``.

    Without JavaScript it is a plain labelled textarea and a *Förhandsgranska* submit button
    (``name="preview"``): the view sees it with :func:`core.forms.markdown_preview`, renders the
    same form again with the text shown as it will be published, and saves nothing.
    ``static/js/markdown-editor.js`` adds a toolbar and a live preview fetched from
    ``core.views.markdown_preview`` (the same renderer), and removes the submit button.
    """

    template_name = "core/widgets/markdown_editor.html"
    # The field's label, passed by the ``field_widget`` tag to name the preview button and
    # region when a form has several editors; not rendered as an attribute.
    LABEL_ATTR = "data-md-label"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"rows": 8, **(attrs or {})})
        # Set per form instance by core.forms.markdown_preview (widgets are copied per form).
        self.show_preview = False

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["label"] = context["widget"]["attrs"].pop(self.LABEL_ATTR, "")
        context["widget"]["preview_url"] = reverse("markdown_preview")
        context["widget"]["preview"] = (
            mark_safe(render_markdown(str(value or "")))  # noqa: S308 - sanitised by nh3
            if self.show_preview
            else None
        )
        return context


def _attrs(attrs: dict[str, Any]) -> str:
    """Django's ``attrs.html``: `` name="value"``, a bare name for True, nothing for False."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class QuickSelect(forms.Select):
    """A ``<select>`` with the markup of Django's own, written in Python.

    Django renders each ``<option>`` through a template (and builds a dictionary for each
    first): about 0.2 ms an option, which for the 290 municipalities or 311 organisations of a
    national installation in a list's filter costs more than the rest of the page. Groups
    (``<optgroup>``) are written as Django writes them. A form may set ``listed`` to choices
    it already holds (a list page's cached facets): a flat list offered instead of the
    field's own, which are then never read from the database.
    """

    listed: Sequence[tuple[Any, Any]] | None = None

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        parts = [f'<select name="{conditional_escape(name)}"']
        if self.listed is not None:
            context = forms.Widget.get_context(self, name, value, attrs)["widget"]
            parts.append(f"{_attrs(context['attrs'])}>")
            chosen = set(self.format_value(value))
            for key, label in self.listed:
                selected = " selected" if str(key) in chosen else ""
                parts.append(
                    f'\n  <option value="{conditional_escape(str(key))}"{selected}>'
                    f"{conditional_escape(str(label))}</option>"
                )
            parts.append("\n</select>")
            return mark_safe("".join(parts))  # noqa: S308 - every value escaped above
        widget = self.get_context(name, value, attrs)["widget"]
        parts.append(f"{_attrs(widget['attrs'])}>")
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in group_choices:
                parts.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                    f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value escaped above
