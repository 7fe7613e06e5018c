from django.urls import path

from partnership.recruitment.views import applications, moderation, space

app_name = "recruitment"

# The collectivités' space: every page for members of the organisation of the URL.
urlpatterns = [
    path("", space.home, name="home"),
    path("<int:organisation>/", space.organisation_space, name="organisation"),
    path("<int:organisation>/offres/nouvelle/<slug:kind>/", space.offer_create, name="offer-create"),
    path("<int:organisation>/offres/<int:pk>/", space.offer_detail, name="offer"),
    path("<int:organisation>/offres/<int:pk>/modifier/", space.offer_edit, name="offer-edit"),
    path("<int:organisation>/offres/<int:pk>/apercu/", space.offer_preview, name="offer-preview"),
    path("<int:organisation>/offres/<int:pk>/prolonger/", space.offer_renew_confirm, name="offer-renew"),
    path("<int:organisation>/offres/<int:pk>/action/", space.offer_action, name="offer-action"),
    path("<int:organisation>/candidatures/<int:pk>/", applications.application_detail, name="application"),
    path("<int:organisation>/candidatures/<int:pk>/suivi/", applications.application_triage, name="application-triage"),
    path("<int:organisation>/candidatures/<int:pk>/cv/", applications.application_cv, name="application-cv"),
    path(
        "<int:organisation>/candidatures/<int:pk>/export/", applications.application_export, name="application-export"
    ),
    path(
        "<int:organisation>/candidatures/<int:pk>/supprimer/",
        applications.application_delete,
        name="application-delete",
    ),
]

# Candidates apply to a collectivité's offer here (no account needed).
application_patterns = (
    [
        path("<int:pk>/postuler/", applications.apply, name="apply"),
        path("<int:pk>/postuler/merci/", applications.thanks, name="thanks"),
    ],
    "applications",
)

moderation_patterns = (
    [
        path("", moderation.queue, name="queue"),
        path("<int:pk>/", moderation.offer, name="offer"),
        path("<int:pk>/apercu/", moderation.offer_preview, name="offer-preview"),
        path("<int:pk>/decision/", moderation.decide, name="decide"),
    ],
    "moderation",
)
