from django.urls import path

from . import views

app_name = "participation"

urlpatterns = [
    path("", views.process_list, name="list"),
    path("flode/processer/", views.ProcessFeed(), name="feed_processes"),
    path("flode/aterkoppling/", views.FeedbackFeed(), name="feed_feedback"),
    path("<slug:slug>/", views.process_detail, name="process"),
    path("<slug:slug>/folj/", views.process_follow, name="follow"),
    path(
        "<slug:slug>/omslagsbild/<int:version>-<int:width>.webp",
        views.process_cover_image,
        name="cover",
    ),
]
