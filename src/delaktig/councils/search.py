"""The councils' part of the site search: every council (rådet) with its mandate."""

from django.utils.translation import gettext_lazy as _

from delaktig.core.contributions import SearchSource, SearchText
from delaktig.core.markdown import plain_text

from .models import Council

SOURCE = SearchSource(
    key="councils.councils",
    name=_("Råd"),
    kind=_("Råd"),
    model="councils.Council",
    public=lambda: Council.objects.all(),
    text=lambda council: SearchText(
        title=council.name, body=plain_text(council.mandate, markdown=True)
    ),
    translated=("name", "mandate"),
    order=50,
)
