"""Factories of the CLCT app: meetings of the Corrèze committee (19, Nouvelle-Aquitaine 75) unless told otherwise."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from partnership.clct.enums import MeetingStatus
from partnership.clct.models import Action, Committee, Invitation, Meeting, Note
from tests.factories import DelegateFactory, UserFactory


def committee(code: str = "19") -> Committee:
    return Committee.objects.get(departement_id=code)


class MeetingFactory(factory.django.DjangoModelFactory):
    """A planned meeting in ten days, 14:00–16:00 UTC, at the préfecture."""

    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    committee = factory.LazyFunction(committee)
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + dt.timedelta(days=10)).replace(hour=13, minute=0, second=0, microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda meeting: meeting.starts_at + dt.timedelta(hours=2))
    place = "Préfecture, salle des commissions"
    agenda = "1. Point sur les postes de chefs de projet\n2. Questions diverses"
    status = MeetingStatus.PLANNED

    class Params:
        past = factory.Trait(
            starts_at=factory.LazyFunction(
                lambda: (timezone.now() - dt.timedelta(days=3)).replace(hour=8, minute=0, second=0, microsecond=0)
            )
        )
        held = factory.Trait(past=True, status=MeetingStatus.HELD, minutes="Compte rendu de la réunion.")


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    meeting = factory.SubFactory(MeetingFactory)
    delegate = factory.SubFactory(DelegateFactory)


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    meeting = factory.SubFactory(MeetingFactory)
    author = factory.SubFactory(UserFactory)
    text = "Le sous-préfet souhaite un point sur les VTA."


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    meeting = factory.SubFactory(MeetingFactory)
    title = "Transmettre la liste des postes vacants"
    owner = factory.SubFactory(UserFactory)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))
