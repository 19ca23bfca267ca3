"""Who may manage roles and an organisation's own pages (organisations sits below accounts)."""

import rules

from .predicates import is_administrator, is_official

rules.add_perm("accounts.manage_roles", is_administrator)
rules.add_perm("organisations.change_organisation", is_administrator | is_official)
rules.add_perm("organisations.change_accessibilitystatement", is_administrator | is_official)
