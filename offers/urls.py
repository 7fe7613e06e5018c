from django.urls import path

from offers import export, syndication
from offers.views import detail, search
from offers.views import map as map_views

app_name = "offers"

# Public URLs: stable, pinned by tests/offers/test_urls.py.
urlpatterns = [
    path("", search.search, name="search"),
    path("flux.rss", syndication.OfferRssFeed(), name="feed-rss"),
    path("flux.atom", syndication.OfferAtomFeed(), name="feed-atom"),
    path("export.csv", export.export_csv, name="export-csv"),
    path("carte/", map_views.map_page, name="map"),
    path("<int:pk>/", detail.detail_redirect, name="detail-short"),
    path("<int:pk>-<slug:slug>/", detail.detail, name="detail"),
]
