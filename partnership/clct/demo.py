"""CLCT demo data for `seed_demo`: two Apec delegates, meetings past and to come in their régions,
answers, attendance, a note and follow-up actions, so that `make run` shows a living CLCT space.

Idempotent: once the demo delegate has meetings, a re-run changes nothing. The demo delegates can log in
with DEMO_PASSWORD in debug only (README, « Demo »); outside debug their password is unusable.
Everything goes through `services.py` (so the invitation e-mails and the change log are real too).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from partnership.accounts.models import Delegate, User
from partnership.clct import services
from partnership.clct.digest import Week, send_digest
from partnership.clct.enums import MeetingStatus, Rsvp
from partnership.clct.models import Committee, Invitation, Meeting
from territories.models import Commune, Region

DEMO_PASSWORD = "demo-clct-2026"  # noqa: S105 - a documented demo password, set in debug only
DELEGATES = (
    ("delegue.demo@apec.fr", "Camille", "Durand", ["75"]),
    ("delegue.aura.demo@apec.fr", "Yanis", "Morel", ["84"]),
)
# (département, days from today, hour in Paris, place or video, agenda)
MEETINGS = (
    ("19", -20, 14, "Préfecture de la Corrèze, Tulle – salle Marbot", "Bilan des postes de chefs de projet PVD"),
    (
        "19",
        2,
        10,
        "Préfecture de la Corrèze, Tulle – salle Marbot",
        "Volontariat territorial en administration : candidatures reçues\nCentres-bourgs : avancement des conventions",
    ),
    ("33", 9, 14, "https://webconf.example.fr/clct-gironde", "Action cœur de ville : bilan à mi-parcours"),
    ("87", 16, 9, "Préfecture de la Haute-Vienne, Limoges", "Territoires d’industrie : besoins en compétences"),
    ("24", 40, 14, "Sous-préfecture de Bergerac", "Petites villes de demain : recrutements 2027"),
    ("15", 5, 10, "Préfecture du Cantal, Aurillac", "France Ruralités Revitalisation : premiers bilans"),
)


def seed_demo(*, log: Callable[[str], None] | None = None) -> int:
    """Create the demo CLCT data; the number of meetings created (0 when already there)."""
    say = log or (lambda text: None)
    with transaction.atomic():
        delegates = [_delegate(*row) for row in DELEGATES]
        me = delegates[0]
        if Meeting.objects.filter(created_by=me.user).exists():
            say("CLCT de démonstration : déjà présents.")
            return 0
        today = timezone.localdate()
        created = []
        for code, days, hour, where, agenda in MEETINGS:
            start = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour, 0)))
            values = {
                "starts_at": start,
                "ends_at": start + dt.timedelta(hours=2),
                "agenda": agenda,
                "programmes": ["pvd", "acv"] if code in ("19", "33") else ["ti"],
                **({"video_url": where} if where.startswith("https://") else {"place": where}),
            }
            author = me if code != "15" else delegates[1]
            meeting = services.create_meeting(
                committee=Committee.objects.get(departement_id=code),
                actor=author.user,
                values=values,
                communes=Commune.objects.filter(departement_id=code).order_by("-population")[:2],
            )
            created.append(meeting)
        past, soon, gironde = created[0], created[1], created[2]
        services.update_meeting(
            meeting=past,
            actor=me.user,
            values={
                "status": MeetingStatus.HELD,
                "minutes": "Trois postes de chefs de projet PVD pourvus depuis le dernier comité ; deux restent "
                "vacants (Ussel, Égletons). L’Apec relaiera les offres auprès des cadres du territoire.",
            },
        )
        services.record_attendance(meeting=past, actor=me.user, present=past.invitations.values_list("pk", flat=True))
        services.add_note(meeting=past, author=me.user, text="Appeler la sous-préfète d’Ussel avant la fin du mois.")
        services.answer(invitation=Invitation.objects.get(meeting=gironde, delegate=me), rsvp=Rsvp.YES)
        services.add_action(
            meeting=past,
            actor=me.user,
            title="Diffuser les deux offres PVD vacantes",
            owner=me.user,
            due_on=today - dt.timedelta(days=3),
        )
        services.add_action(
            meeting=past,
            actor=me.user,
            title="Envoyer le bilan des VTA à la préfecture",
            owner=me.user,
            due_on=today + dt.timedelta(days=4),
        )
        done = services.add_action(
            meeting=past,
            actor=me.user,
            title="Transmettre la liste des contacts Apec",
            owner=me.user,
            due_on=today - dt.timedelta(days=10),
        )
        services.mark_done(action=done)
        services.add_action(
            meeting=soon,
            actor=me.user,
            title="Préparer la présentation des candidatures VTA",
            owner=me.user,
            due_on=today + dt.timedelta(days=1),
        )
    for delegate in delegates:  # this week's digest, to read in /admin/notifications/delivery/
        send_digest(delegate_id=delegate.pk, week=Week.of())
    say(f"CLCT de démonstration : {len(created)} réunions, délégué de démonstration {DELEGATES[0][0]}.")
    return len(created)


def _delegate(email: str, first_name: str, last_name: str, regions: list[str]) -> Delegate:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, first_name=first_name, last_name=last_name)
    if settings.DEBUG:
        user.set_password(DEMO_PASSWORD)
    else:
        user.set_unusable_password()
    user.save(update_fields=["password"])
    delegate, _ = Delegate.objects.get_or_create(user=user)
    delegate.regions.set(Region.objects.filter(code__in=regions))
    return delegate
