from django.contrib import admin
from django.urls import include, path

from delaktig.core import views as core_views
from delaktig.opendata import api as open_data_api
from delaktig.participation import registry
from delaktig.participation import views as participation_views

handler400 = "delaktig.core.views.bad_request"

urlpatterns = [
    path("", participation_views.home, name="home"),
    path("processer/", include("delaktig.participation.urls")),
    path("sok/", include("delaktig.search.urls")),
    path("forslag/", include("delaktig.proposals.urls")),
    path("identitet/", include("delaktig.identity.urls")),
    path("folkinitiativ/", include("delaktig.initiatives.urls")),
    path("moten/", include("delaktig.meetings.urls")),
    path("rad/", include("delaktig.councils.urls")),
    path("uppfoljning/", include("delaktig.followup.urls")),
    path("konsekvensanalyser/", include("delaktig.assessments.urls")),
    path("kunskapsbank/", include("delaktig.knowledge.urls")),
    path("personal/befolkning/", include("delaktig.population.urls")),
    path("personal/uppfoljning/", include("delaktig.followup.staff_urls")),
    path("personal/konsekvensanalyser/", include("delaktig.assessments.staff_urls")),
    path("personal/riskguiden/", include("delaktig.riskguide.staff_urls")),
    path("personal/kunskapsbank/", include("delaktig.knowledge.staff_urls")),
    path("personal/incidenter/", include("delaktig.incidents.urls")),
    path("personal/oversattning/", include("delaktig.translations.staff_urls")),
    path("sidor/", include("delaktig.pages.urls")),
    path("personal/sidor/", include("delaktig.pages.staff_urls")),
    path("nyhetsbrev/", include("delaktig.newsletters.urls")),
    path("personal/nyhetsbrev/", include("delaktig.newsletters.staff_urls")),
    path("", include("delaktig.screens.urls")),
    path("", include("delaktig.insights.urls")),
    path("", include("delaktig.moderation.urls")),
    path("personal/", include("delaktig.participation.staff_urls")),
    path("konto/", include("allauth.urls")),
    path("mitt-konto/", include("delaktig.accounts.urls")),
    path("", include("delaktig.organisations.urls")),
    path("markdown/forhandsgranska/", core_views.markdown_preview, name="markdown_preview"),
    path("sprak/", core_views.choose_language, name="choose_language"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("api/v1/", open_data_api.build().urls),
    path("", include("delaktig.opendata.urls")),
]

# Each participation module mounts its own views under /m/<key>/ (see participation/registry.py).
urlpatterns += [
    path(f"m/{module_type.key}/", include((list(module_type.urls()), module_type.app_name)))
    for module_type in registry.all_types()
    if module_type.app_name
]
