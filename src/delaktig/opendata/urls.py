from django.urls import path

from . import catalogue, dumps, views

app_name = "opendata"

urlpatterns = [
    path("oppna-data/", views.index, name="index"),
    path("oppna-data/api/", views.api_docs, name="api_docs"),
    path("oppna-data/organisationer/<slug:slug>/", views.organisation_page, name="organisation"),
    path("oppna-data/katalog.ttl", catalogue.catalogue_turtle, name="catalogue_turtle"),
    path("oppna-data/katalog.jsonld", catalogue.catalogue_jsonld, name="catalogue_jsonld"),
    path("oppna-data/katalog.rdf", catalogue.catalogue_rdfxml, name="catalogue_rdfxml"),
    path(".well-known/dcat", catalogue.catalogue_well_known, name="catalogue_well_known"),
    path("oppna-data/<slug:organisation>/<str:dataset>.zip", dumps.dump, name="dump"),
]
