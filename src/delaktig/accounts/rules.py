"""Who may manage roles, enter the staff workspace, and edit an organisation's own pages
(organisations sits below accounts, so its two permissions are declared here)."""

import rules

from .predicates import (
    is_administrator,
    is_official,
    is_security,
    is_staff_member,
    is_translator,
)

rules.add_perm("accounts.manage_roles", is_administrator)
# The staff workspace (staff_required): officials and moderators of any organisation, and the
# security function (for the incident log, its inbox queue and its statistics) and translators
# (for the translators' workbench).
rules.add_perm(
    "accounts.view_staff_workspace",
    is_administrator | is_staff_member | is_security | is_translator,
)
rules.add_perm("organisations.change_organisation", is_administrator | is_official)
rules.add_perm("organisations.change_accessibilitystatement", is_administrator | is_official)
# An organisation's own host name: the platform administrator's, since it needs DNS, the
# certificate and ALLOWED_HOSTS to be in place first (organisations.services).
rules.add_perm("organisations.change_host", is_administrator)
