from django.urls import path

from . import staff_views
from .actors.urls import staff_patterns

app_name = "followup_staff"

urlpatterns = [
    path("", staff_views.strategy_list, name="list"),
    path("ny/", staff_views.strategy_create, name="strategy_create"),
    path("<int:pk>/", staff_views.strategy_edit, name="strategy"),
    path("<int:strategy_pk>/mal/ny/", staff_views.goal_edit, name="goal_create"),
    path("mal/<int:pk>/", staff_views.goal_edit, name="goal"),
    path("<int:strategy_pk>/plan/ny/", staff_views.plan_create, name="plan_create"),
    path("plan/<int:pk>/", staff_views.plan_edit, name="plan"),
    path("plan/<int:pk>/installningar/", staff_views.plan_settings, name="plan_settings"),
    path("plan/<int:pk>/importera/", staff_views.plan_import_upload, name="plan_import_upload"),
    path("import/<int:pk>/", staff_views.plan_import, name="plan_import"),
    path("omrade/<int:pk>/", staff_views.area_edit, name="area"),
    path("omrade/<int:area_pk>/aktivitet/ny/", staff_views.activity_edit, name="activity_create"),
    path("aktivitet/<int:pk>/", staff_views.activity_edit, name="activity"),
    path("aktivitet/<int:pk>/lage/", staff_views.activity_progress, name="activity_progress"),
    path("<int:strategy_pk>/indikator/ny/", staff_views.indicator_create, name="indicator_create"),
    path("indikator/<int:pk>/", staff_views.indicator_edit, name="indicator"),
    path(
        "indikator/<int:pk>/installningar/",
        staff_views.indicator_settings,
        name="indicator_settings",
    ),
    path("flytta/<slug:kind>/<int:pk>/", staff_views.item_move, name="move"),
    path("ta-bort/<slug:kind>/<int:pk>/", staff_views.item_delete, name="delete"),
]

urlpatterns += staff_patterns
