"""Who may translate: the organisation's officials into every language it offers, and its
translators into the languages their role names (checked in ``services``). Administrators may
do both everywhere."""

import rules

from delaktig.accounts.predicates import is_administrator, is_official, is_translator

# Open the workbench for an organisation and translate some of its texts (``app.verb_model``).
rules.add_perm("translations.change_translation", is_administrator | is_official | is_translator)
