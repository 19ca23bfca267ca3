"""The proposals' part of the site search: public proposals, as their pages show them (the
redacted copy where personal data was removed)."""

from django.utils.translation import gettext_lazy as _

from delaktig.core.contributions import SearchSource, SearchText

from .models import Proposal

SOURCE = SearchSource(
    key="proposals.proposals",
    name=_("Förslag"),
    kind=_("Förslag"),
    model="proposals.Proposal",
    public=lambda: Proposal.objects.public(),
    text=lambda proposal: SearchText(
        title=proposal.public_title,
        body=f"{proposal.public_body} {proposal.public_background}",
    ),
    date=lambda proposal: proposal.published_at,
    order=20,
)
