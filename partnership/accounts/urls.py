from django.urls import path

from partnership.accounts import member_views, organisation_views, password_views, signup_views, staff_views, views

app_name = "accounts"
urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    # --- Sign-up, passwords and organisations (issue 12)
    path("inscription/", signup_views.signup, name="signup"),
    path("inscription/courriel-envoye/", signup_views.signup_sent, name="signup-sent"),
    path("inscription/confirmer/<str:token>/", signup_views.signup_confirm, name="signup-confirm"),
    path("mot-de-passe-oublie/", password_views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "mot-de-passe-oublie/courriel-envoye/",
        password_views.PasswordResetSentView.as_view(),
        name="password-reset-sent",
    ),
    path(
        "mot-de-passe-oublie/<uidb64>/<token>/",
        password_views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "mot-de-passe-oublie/termine/",
        password_views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("mot-de-passe/", password_views.PasswordChangeView.as_view(), name="password-change"),
    path("espace-collectivite/rejoindre/", organisation_views.join, name="organisation-join"),
    path("espace-collectivite/creer/", organisation_views.create, name="organisation-create"),
    path("espace-collectivite/<int:organisation>/membres/", member_views.members, name="members"),
    path("espace-collectivite/<int:organisation>/membres/inviter/", member_views.invite, name="member-invite"),
    path("espace-collectivite/<int:organisation>/membres/<int:pk>/role/", member_views.change_role, name="member-role"),
    path("espace-collectivite/<int:organisation>/membres/<int:pk>/retirer/", member_views.remove, name="member-remove"),
    path(
        "espace-collectivite/<int:organisation>/demandes/<int:pk>/",
        member_views.decide_join_request,
        name="join-request-decide",
    ),
    path(
        "espace-collectivite/<int:organisation>/invitations/<int:pk>/annuler/",
        member_views.cancel_invitation,
        name="invitation-cancel",
    ),
    path("invitation/<str:token>/", member_views.invitation, name="invitation"),
    path("pilotage/organisations/", staff_views.organisations, name="staff-organisations"),
    path("pilotage/organisations/<int:pk>/valider/", staff_views.approve, name="staff-organisation-approve"),
    path("pilotage/organisations/<int:pk>/refuser/", staff_views.refuse, name="staff-organisation-refuse"),
    path(
        "pilotage/organisations/demandes/<int:pk>/",
        staff_views.decide_join_request,
        name="staff-join-request-decide",
    ),
]
