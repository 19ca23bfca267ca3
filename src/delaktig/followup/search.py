"""The follow-up's part of the site search: published strategies and policies."""

from django.utils.translation import gettext_lazy as _

from delaktig.core.contributions import SearchSource, SearchText
from delaktig.core.markdown import plain_text

from .models import Strategy

SOURCE = SearchSource(
    key="followup.strategies",
    name=_("Strategier"),
    kind=_("Strategi"),
    model="followup.Strategy",
    public=lambda: Strategy.objects.published(),
    text=lambda strategy: SearchText(
        title=strategy.title,
        body=f"{strategy.summary} {plain_text(strategy.body, markdown=True)}",
    ),
    translated=("title", "summary", "body"),
    order=60,
)
