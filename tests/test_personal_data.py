from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import timezone

from offers.models import Offer
from partnership.accounts.models import User
from partnership.notifications.enums import DeliveryStatus
from partnership.notifications.models import Delivery
from partnership.personal_data import DELIVERY_RETENTION, INVENTORY, PERSONAL_FIELD_NAME, purge_personal_data
from tests.notifications.factories import DeliveryFactory
from tests.offers.factories import OfferFactory

OUR_APPS = {"accounts", "recruitment", "clct", "notifications", "territories", "offers", "partnership", "alerts"}


def personal_looking_fields() -> set[tuple[str, str]]:
    found = set()
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS:
            continue
        for field in model._meta.concrete_fields:
            if PERSONAL_FIELD_NAME.search(field.name):
                found.add((model._meta.label, field.name))
    return found


def test_every_personal_looking_field_is_in_the_inventory():
    covered = {(label, field) for label, fields in INVENTORY.items() for field in fields}
    missing = personal_looking_fields() - covered

    assert not missing, f"add these fields to partnership/personal_data.py INVENTORY: {sorted(missing)}"


def test_the_inventory_names_only_real_fields():
    for label, fields in INVENTORY.items():
        model = apps.get_model(label)
        for field in fields:
            model._meta.get_field(field)  # raises FieldDoesNotExist


def test_the_detector_sees_the_usual_suspects():
    for name in ["email", "apply_email", "phone_number", "first_name", "nom", "adresse_postale", "ip_address"]:
        assert PERSONAL_FIELD_NAME.search(name), name


@pytest.mark.django_db
def test_purge_anonymises_old_inactive_accounts_and_old_offer_contacts():
    long_ago = timezone.now() - timedelta(days=4 * 365)
    old = User.objects.create_user("ancien@example.org", "x", first_name="Ana", is_active=False)
    User.objects.filter(pk=old.pk).update(last_login=long_ago)
    recent = User.objects.create_user("recent@example.org", "x", is_active=False, last_login=timezone.now())
    active = User.objects.create_user("actif@example.org", "x", last_login=long_ago)
    closed = OfferFactory(filled=True, apply_email="recruteuse@example.org")
    Offer.objects.filter(pk=closed.pk).update(closed_at=timezone.now() - timedelta(days=400))
    open_offer = OfferFactory(apply_email="rh@example.org")

    assert purge_personal_data() == {
        "unconfirmed alerts deleted": 0,
        "addresses without an alert deleted": 0,
        "sign-ups never confirmed deleted": 0,
        "invitations past their link deleted": 0,
        "unanswered join requests deleted": 0,
        "accounts anonymised": 1,
        "closed offers' contact e-mails erased": 1,
        "e-mails' recipients and contents erased": 0,
    }

    old.refresh_from_db()
    assert old.email == f"compte-{old.pk}@anonyme.invalid" and old.first_name == ""
    assert not old.has_usable_password()
    assert User.objects.filter(pk__in=[recent.pk, active.pk]).count() == 2
    assert Offer.objects.get(pk=closed.pk).apply_email == ""
    assert Offer.objects.get(pk=open_offer.pk).apply_email == "rh@example.org"
    assert purge_personal_data() == {
        "unconfirmed alerts deleted": 0,
        "addresses without an alert deleted": 0,
        "sign-ups never confirmed deleted": 0,
        "invitations past their link deleted": 0,
        "unanswered join requests deleted": 0,
        "accounts anonymised": 0,
        "closed offers' contact e-mails erased": 0,
        "e-mails' recipients and contents erased": 0,
    }


@pytest.mark.django_db
def test_purge_erases_the_recipient_and_content_of_old_deliveries_and_keeps_their_key():
    old = DeliveryFactory(sent=True, headers={"List-Unsubscribe": "<https://exemple.fr/d/jeton>"})
    old_pending = DeliveryFactory()
    recent = DeliveryFactory(sent=True)
    long_ago = timezone.now() - DELIVERY_RETENTION - timedelta(hours=1)
    Delivery.objects.filter(pk__in=[old.pk, old_pending.pk]).update(created_at=long_ago)

    assert purge_personal_data()["e-mails' recipients and contents erased"] == 2

    old.refresh_from_db()
    assert (old.recipient_email, old.subject, old.body_text, old.body_html) == ("", "", "", "")
    assert (old.headers, old.attachments, old.status) == ({}, [], DeliveryStatus.SENT)
    assert old.erased_at and old.key and old.sent_at
    old_pending.refresh_from_db()
    assert old_pending.status == DeliveryStatus.ABANDONED and old_pending.recipient_email == ""
    recent.refresh_from_db()
    assert recent.recipient_email and recent.body_text and recent.erased_at is None
    assert purge_personal_data()["e-mails' recipients and contents erased"] == 0


def test_purge_is_scheduled():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "partnership.tasks.purge_personal_data" in tasks
