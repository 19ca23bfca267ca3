"""Who may do what with newsletters.

Anyone may subscribe (the public form, with a confirmation e-mail) and leave (the link in
every e-mail); those need no permission. The organisation's officials, and administrators,
write newsletters, choose who gets them and send them; translators of the organisation may
also look at a draft's staff preview, to translate it before it goes out.
"""

import rules

from delaktig.accounts.predicates import is_administrator, is_official, is_translator

# On an organisation or a newsletter: write, choose the segment, preview and send.
rules.add_perm("newsletters.manage_newsletter", is_administrator | is_official)
# On a newsletter: read its staff preview (translators translate drafts before sending).
rules.add_perm("newsletters.view_newsletter", is_administrator | is_official | is_translator)
