from django.urls import path

from partnership.clct import views
from territories import converters  # noqa: F401  # registers <departement:…>

app_name = "clct"

urlpatterns = [
    path("", views.home, name="home"),
    path("reunions/", views.meeting_list, name="meetings"),
    path("calendrier/", views.month_calendar, name="calendar"),
    path("actions/", views.action_list, name="actions"),
    path("actions/<int:pk>/fait/", views.action_done, name="action-done"),
    path("comites/<departement:departement>/", views.committee_detail, name="committee"),
    path("comites/<departement:departement>/nouvelle-reunion/", views.meeting_create, name="meeting-create"),
    path("reunions/<int:pk>/", views.meeting_detail, name="meeting"),
    path("reunions/<int:pk>/modifier/", views.meeting_edit, name="meeting-edit"),
    path("reunions/<int:pk>/reponse/", views.meeting_rsvp, name="meeting-rsvp"),
    path("reunions/<int:pk>/presences/", views.meeting_attendance, name="meeting-attendance"),
    path("reunions/<int:pk>/notes/", views.meeting_note, name="meeting-note"),
    path("reunions/<int:pk>/actions/", views.action_create, name="action-create"),
    path("agenda/", views.subscription, name="subscription"),
    path("agenda/nouvelle-adresse/", views.subscription_renew, name="subscription-renew"),
    path("agenda/<slug:token>.ics", views.ical_feed, name="ical-feed"),
    path("preferences/", views.preferences, name="preferences"),
    path("reponse/<str:token>/", views.rsvp_link, name="rsvp-link"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
