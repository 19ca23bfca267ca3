"""Form widgets shared by every app."""

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.safestring import mark_safe

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
