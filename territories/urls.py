from django.urls import path

from partnership.views import home

app_name = "territories"

urlpatterns = [
    path("communes/<str:code>/", home, name="commune"),
    path("departements/<str:code>/", home, name="departement"),
    path("regions/<str:code>/", home, name="region"),
    path("programmes/<slug:slug>/", home, name="programme"),
]
