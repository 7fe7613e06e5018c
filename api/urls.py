from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from api import views

router = SimpleRouter()
router.register("offres", views.OfferViewSet, basename="offer")
router.register("communes", views.CommuneViewSet, basename="commune")
router.register("departements", views.DepartementViewSet, basename="departement")
router.register("regions", views.RegionViewSet, basename="region")
router.register("programmes", views.ProgrammeViewSet, basename="programme")

app_name = "api"
urlpatterns = [
    path("", views.documentation, name="documentation"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("v1/", include(router.urls)),
]
