from django.urls import path

from . import views

urlpatterns = [
    path("<int:module_pk>/kommentera/", views.comment_create, name="comment_create"),
    path("kommentar/<int:comment_pk>/anmal/", views.comment_report, name="comment_report"),
    path("kommentar/<int:comment_pk>/beslut/", views.comment_decision, name="comment_decision"),
    path("personal/moderering/", views.moderation, name="moderation"),
    path("personal/kommentar/<int:comment_pk>/", views.comment_moderate, name="comment_moderate"),
]
