"""An organisation's information pages as nested lists, written in Python: the tree holds
hundreds of pages (311 organisations share 100,000 in ``bench/pages.py``), and an included
template per page cost more than the rest of the page."""

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from delaktig.core.links import slug_path_url

from ..selectors import Node

register = template.Library()


@register.simple_tag
def page_tree(organisation: Any, nodes: list[Node]) -> SafeString:
    """``<ul class="page-tree">`` of ``nodes``, each page linked with its summary under it
    and its sub-pages in a list of their own, every text with its language."""
    url = slug_path_url("pages:page", slug=organisation.slug)

    def level(nodes: list[Node], above: str) -> str:
        items = []
        for node in nodes:
            page = node.page
            path = f"{above}/{page.slug}" if above else page.slug
            title = page.t.title
            item: str = format_html('\n  <li><a href="{}"{}>{}</a>', url(path), title.attrs, title)
            if page.summary:
                summary = page.t.summary
                item += format_html(
                    '\n    <p class="page-tree__summary"{}>{}</p>', summary.attrs, summary
                )
            if node.children:
                item += "\n    " + level(node.children, path)
            items.append(item + "</li>")
        return '<ul class="page-tree">' + "".join(items) + "\n</ul>"

    # Every piece is made by format_html, which escapes what the pages hold.
    return mark_safe(level(nodes, ""))  # noqa: S308
