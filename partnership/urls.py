from django.contrib import admin
from django.urls import include, path

from offers import sitemaps
from partnership import health, views
from partnership.recruitment import urls as recruitment_urls

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path(".well-known/security.txt", views.security_txt, name="security-txt"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("mentions-legales/", views.legal_notice, name="legal-notice"),
    path("donnees-personnelles/", views.personal_data, name="personal-data"),
    path("sources-des-donnees/", views.data_sources, name="data-sources"),
    path("glossaire/", views.glossary, name="glossary"),
    path("territoires/", include("territories.urls")),
    path("offres/", include("offers.urls")),
    path("alertes/", include("partnership.alerts.urls")),
    path("api/", include("api.urls")),
    path("", include("partnership.statistics.urls")),
    path("pilotage/flux/", include("feeds.urls")),
    path("espace-collectivite/", include("partnership.recruitment.urls")),
    path("pilotage/moderation/", include(recruitment_urls.moderation_patterns)),
    path("offres/", include(recruitment_urls.application_patterns)),
    path("clct/", include("partnership.clct.urls")),
    path("", include("partnership.accounts.urls")),
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("sitemap-<section>.xml", sitemaps.sitemap_section, name="sitemap-section"),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
    path("admin/", admin.site.urls),
]

handler400 = "partnership.views.bad_request"
handler403 = "partnership.views.permission_denied"
handler404 = "partnership.views.page_not_found"
handler500 = "partnership.views.server_error"
