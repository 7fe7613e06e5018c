from django.urls import path

from territories import views

app_name = "territories"

urlpatterns = [
    path("", views.index, name="index"),
    # Before `communes/<code>/`, which would otherwise take "autocomplete" for a code.
    path("communes/autocomplete/", views.commune_autocomplete, name="commune-autocomplete"),
    path("communes/<str:code>/", views.commune_detail, name="commune"),
    path("departements/<str:code>/", views.departement_detail, name="departement"),
    path("regions/<str:code>/", views.region_detail, name="region"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme"),
]
