"""Who may set up, moderate and take part in opinion maps (objects are processes)."""

import rules

from delaktig.accounts.predicates import is_administrator, is_moderator, is_official

rules.add_perm("opinionmaps.manage_map", is_administrator | is_official)
rules.add_perm("opinionmaps.moderate", is_administrator | is_official | is_moderator)
rules.add_perm("opinionmaps.view_results", is_administrator | is_official | is_moderator)
