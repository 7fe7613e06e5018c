from django.db import models


class Purpose(models.TextChoices):
    """Why a message is sent: with its key, what makes a delivery unique (see services.send).

    A new kind of message adds a member here (and a migration, for the check constraint)."""

    FEED_ALERT = "feed-alert", "Alerte de synchronisation de flux"
    ALERT_CONFIRMATION = "alert-confirmation", "Confirmation d’une alerte sur une recherche"
    SEARCH_ALERT = "search-alert", "Alerte sur une recherche (nouvelles offres)"
    ALERT_MANAGE = "alert-manage", "Lien vers les alertes d’une adresse"
    # Accounts (partnership/accounts, issue 12)
    ACCOUNT_CONFIRMATION = "account-confirmation", "Confirmation de l’adresse d’une inscription"
    ACCOUNT_EXISTS = "account-exists", "Inscription d’une adresse qui a déjà un compte"
    PASSWORD_RESET = "password-reset", "Mot de passe oublié"
    ORGANISATION_DECISION = "organisation-decision", "Décision sur une nouvelle organisation"
    JOIN_REQUEST = "join-request", "Demande pour rejoindre une organisation"
    JOIN_DECISION = "join-decision", "Décision sur une demande pour rejoindre une organisation"
    INVITATION = "invitation", "Invitation à rejoindre une organisation"
    # Recruitment by collectivités (partnership/recruitment).
    OFFER_MODERATION = "offer-moderation", "Offre d’une collectivité : changement de statut"
    OFFER_EXPIRY_REMINDER = "offer-expiry-reminder", "Offre d’une collectivité : fin de publication proche"
    APPLICATION_RECEIVED = "application-received", "Candidature : accusé de réception au candidat"
    APPLICATION_NOTICE = "application-notice", "Candidature : avis aux membres de l’organisation"
    APPLICATION_REPLY = "application-reply", "Candidature : réponse au candidat"
    # CLCT (partnership/clct, issue 13)
    CLCT_INVITATION = "clct-invitation", "Invitation à une réunion de CLCT"
    CLCT_DIGEST = "clct-digest", "Récapitulatif hebdomadaire des CLCT"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    SENDING = "sending", "Envoi en cours"
    SENT = "sent", "Envoyé"
    FAILED = "failed", "En échec, nouvel essai prévu"
    ABANDONED = "abandoned", "Abandonné"


# A delivery in one of these states may be claimed by a sender.
CLAIMABLE_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)
# A delivery in one of these states is over: nothing will send it again.
FINISHED_STATUSES = (DeliveryStatus.SENT, DeliveryStatus.ABANDONED)
# A delivery in one of these states may still be sent (the sweeper looks at these only).
UNFINISHED_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.FAILED)
