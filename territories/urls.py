from django.urls import path

from territories import converters, views  # noqa: F401  # converters registers <commune:…>, <departement:…>, <region:…>

app_name = "territories"

urlpatterns = [
    path("", views.index, name="index"),
    # Before `communes/<code>/`, which would otherwise take "autocomplete" for a code.
    path("communes/autocomplete/", views.commune_autocomplete, name="commune-autocomplete"),
    path("communes/<commune:code>/", views.commune_detail, name="commune"),
    path("departements/<departement:code>/", views.departement_detail, name="departement"),
    path("regions/<region:code>/", views.region_detail, name="region"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme"),
]
