"""Who may see a process's participation figures (see docs/roles-and-permissions.md)."""

import rules

from delaktig.accounts.predicates import is_administrator, is_moderator, is_official

# On a process: the figures page (who took part, broken down for consenting participants).
rules.add_perm("insights.view_figures", is_administrator | is_official | is_moderator)
