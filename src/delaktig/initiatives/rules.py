"""Who may do what with folkinitiativ (see docs/roles-and-permissions.md)."""

import rules

from delaktig.accounts.predicates import is_organisation_official

# The organisation's officials register an initiative handed in to fullmäktige (on an
# organisation; with none, an official of any), and its name lists and signatures (on the
# initiative). Anyone may read the initiatives and their counts.
rules.add_perm("initiatives.add_initiative", is_organisation_official)
rules.add_perm("initiatives.change_initiative", is_organisation_official)
