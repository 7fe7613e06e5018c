"""The CLCT part of `seed_demo`: a living space, created once, with a demo login in debug only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from partnership.accounts.models import User
from partnership.clct import demo
from partnership.clct.enums import MeetingStatus
from partnership.clct.models import Action, Invitation, Meeting, Note
from partnership.notifications.enums import Purpose
from partnership.notifications.models import Delivery

pytestmark = pytest.mark.django_db


def test_the_demo_makes_a_living_space_once(settings):
    settings.DEBUG = True
    assert demo.seed_demo() == len(demo.MEETINGS)
    me = User.objects.get(email="delegue.demo@apec.fr")
    assert Meeting.objects.filter(status=MeetingStatus.HELD).exclude(minutes="").count() == 1
    assert Invitation.objects.filter(delegate__user=me, rsvp="").exists()  # answers owed
    assert Invitation.objects.filter(delegate__user=me, attended=True).exists()
    assert Action.objects.overdue().filter(owner=me).count() == 1
    assert Note.objects.filter(author=me).count() == 1
    assert Delivery.objects.filter(purpose=Purpose.CLCT_DIGEST).count() == 2
    assert Delivery.objects.filter(purpose=Purpose.CLCT_INVITATION).exists()

    counts = (Meeting.objects.count(), Action.objects.count(), Delivery.objects.count())
    assert demo.seed_demo() == 0
    assert (Meeting.objects.count(), Action.objects.count(), Delivery.objects.count()) == counts

    client = Client()
    assert client.login(username="delegue.demo@apec.fr", password=demo.DEMO_PASSWORD)
    page = client.get(reverse("clct:home")).content.decode()
    assert "Réponses attendues" in page and "Diffuser les deux offres PVD vacantes" in page


def test_no_demo_password_outside_debug(settings):
    settings.DEBUG = False
    demo.seed_demo()
    assert not User.objects.get(email="delegue.demo@apec.fr").has_usable_password()
