"""Who may do what with screens and posters.

The waiting-room screen and a public process's poster are public: they show only what is
public anyway, and a poster follows its process's visibility (``Process.objects.visible_to``).
An organisation's officials (and administrators) choose what its screen shows.
"""

import rules

from delaktig.accounts.predicates import is_organisation_official

# On an organisation: how long each item stays on its screen and which kinds it shows.
rules.add_perm("screens.change_screensettings", is_organisation_official)
