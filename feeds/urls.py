from django.urls import path

from feeds import views

app_name = "feeds"
urlpatterns = [
    path("", views.feed_list, name="list"),
    path("<slug:slug>/", views.feed_detail, name="detail"),
    path("<slug:slug>/lancer/", views.run_now, name="run"),
    path("<slug:slug>/synchronisations/<int:pk>/", views.run_detail, name="run-detail"),
]
