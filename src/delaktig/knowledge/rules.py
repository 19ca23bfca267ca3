"""Who may do what with the knowledge bank.

Readers of an organisation's knowledge bank are its officials, moderators, security function
and elected representatives, and the platform's administrators. A published part marked public
is read by anyone. Officials (and administrators) write the content and follow up who has gone
through which part; a reader marks parts they have gone through.
"""

import rules

from delaktig.accounts.predicates import (
    is_administrator,
    is_elected,
    is_official,
    is_security,
    is_staff_member,
)
from delaktig.accounts.types import Visitor

from .models import Part

# Reads the organisation's whole package (role × organisation only).
is_reader = is_administrator | is_staff_member | is_security | is_elected
is_editor = is_administrator | is_official


@rules.predicate
def is_published_part(user: Visitor, part: Part | None) -> bool:
    return isinstance(part, Part) and part.is_published


@rules.predicate
def is_public_part(user: Visitor, part: Part | None) -> bool:
    return isinstance(part, Part) and part.is_public


# On an organisation (or anything of it): reads the parts that are not public.
rules.add_perm("knowledge.view_knowledgebank", is_reader)
# On a part: published and public, or published and the person a reader; drafts for editors.
rules.add_perm(
    "knowledge.view_part", (is_published_part & (is_public_part | is_reader)) | is_editor
)
# On a part: mark it as gone through, or take that back. Readers only, published parts only.
rules.add_perm("knowledge.complete_part", rules.is_active & is_published_part & is_reader)
# On an organisation: write sections and parts, publish, order and delete them.
rules.add_perm("knowledge.change_knowledgebank", is_editor)
# On an organisation: who has gone through which part, and the CSV export.
rules.add_perm("knowledge.view_completions", is_editor)
