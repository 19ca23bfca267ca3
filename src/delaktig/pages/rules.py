"""Who may do what with information pages.

Anyone reads a published page (the public views also require the pages above it to be
published, see ``selectors.page_by_path``). The organisation's officials and the platform's
administrators write pages and seats, order, publish and delete them, and read drafts.
"""

import rules

from delaktig.accounts.predicates import is_administrator, is_official
from delaktig.accounts.types import Visitor

from .models import Page

is_editor = is_administrator | is_official


@rules.predicate
def is_published_page(user: Visitor, page: Page | None) -> bool:
    return isinstance(page, Page) and page.is_published


# On an organisation, a page or anything of the organisation: write its pages and its
# bodies' seats.
rules.add_perm("pages.change_page", is_editor)
# On a page: published pages for anyone; drafts for the organisation's editors.
rules.add_perm("pages.view_page", is_published_page | is_editor)
