from django.urls import path

from partnership.statistics import views

urlpatterns = [
    path("statistiques/", views.statistics, name="statistics"),
    path("statistiques/<slug:slug>.csv", views.dataset_csv, name="statistics-csv"),
]
