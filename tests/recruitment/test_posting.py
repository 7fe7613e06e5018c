"""The collectivités' space: drafts of a chef-de-projet vacancy and of a VTA, eligibility, preview, submission."""

from __future__ import annotations

import pytest
from django.urls import reverse

from offers.enums import EventKind, OfferKind, OfferStatus
from offers.models import Offer, OfferEvent
from partnership.recruitment.models import Posting
from tests.factories import MembershipFactory, OrganisationFactory, PostingFactory
from tests.personas import client_as

pytestmark = pytest.mark.django_db

CHEF_DE_PROJET = {
    "title": "Chef de projet Petites villes de demain",
    "programme": "pvd",
    "cofunding": "ANCT 75 %",
    "missions": "Piloter le projet de revitalisation.\nAnimer les partenaires.",
    "profile": "Bac + 5 en aménagement du territoire.",
    "contract": "contrat-de-projet",
    "duration_months": "36",
    "start_date": "2027-03-01",
    "working_time_percent": "100",
    "salary_min": "32000",
    "salary_max": "38000",
    "remote": "partiel",
    "education_level": "bac+5",
    "experience": "1-2-ans",
    "application_handling": "portail",
}
VTA = {
    "title": "Volontaire territorial en administration – projets de territoire",
    "missions": "Monter les dossiers de subvention.",
    "duration_months": "12",
    "start_date": "2027-02-01",
    "working_time_percent": "100",
    "tutor_name": "Claire Martin",
    "tutor_role": "secrétaire générale",
    "remote": "aucun",
    "application_handling": "portail",
}


@pytest.fixture
def egletons():
    return OrganisationFactory(name="Commune d’Égletons", commune="19073")


@pytest.fixture
def egletons_member(egletons):
    return MembershipFactory(organisation=egletons, user__email="agent@egletons.fr").user


def create(client, organisation, kind, data):
    return client.post(
        reverse("recruitment:offer-create", kwargs={"organisation": organisation.pk, "kind": kind}), data
    )


def test_a_member_saves_a_chef_de_projet_draft(egletons, egletons_member):
    response = create(client_as(egletons_member), egletons, "chef-de-projet", CHEF_DE_PROJET)

    posting = Posting.objects.select_related("offer").get()
    assert response.status_code == 302
    assert response["Location"] == reverse("recruitment:offer", kwargs={"organisation": egletons.pk, "pk": posting.pk})
    offer = posting.offer
    assert (offer.kind, offer.status, offer.published_at, offer.expires_at) == (
        OfferKind.CHEF_DE_PROJET,
        OfferStatus.DRAFT,
        None,
        None,
    )
    assert (offer.employer_name, offer.employer_siren, offer.commune_id) == (
        "Commune d’Égletons",
        egletons.siren,
        "19073",
    )
    assert "pvd" in offer.programmes
    assert (offer.salary_min, offer.salary_max, offer.duration_months) == (32000, 38000, 36)
    assert (posting.programme, posting.organisation, posting.created_by) == ("pvd", egletons, egletons_member)
    assert (
        "<h3>Missions</h3><p>Piloter le projet de revitalisation.<br>Animer les partenaires.</p>" in offer.description
    )
    assert "Bac + 5 en aménagement du territoire." in offer.description_text
    assert list(OfferEvent.objects.values_list("kind", "actor")) == [(EventKind.CREATED, egletons_member.pk)]


def test_a_member_cannot_set_the_status_the_organisation_or_the_dates(egletons, egletons_member):
    other = OrganisationFactory()
    forged = CHEF_DE_PROJET | {
        "status": "published",
        "organisation": other.pk,
        "published_at": "2026-01-01",
        "expires_at": "2030-01-01",
        "closed_at": "2026-01-01",
    }
    create(client_as(egletons_member), egletons, "chef-de-projet", forged)
    posting = Posting.objects.select_related("offer").get()
    assert posting.organisation == egletons
    assert (posting.offer.status, posting.offer.published_at, posting.offer.expires_at) == ("draft", None, None)
    # Nor by editing it.
    client_as(egletons_member).post(
        reverse("recruitment:offer-edit", kwargs={"organisation": egletons.pk, "pk": posting.pk}), forged
    )
    posting.refresh_from_db()
    posting.offer.refresh_from_db()
    assert (posting.organisation, posting.offer.status, posting.offer.expires_at) == (egletons, "draft", None)


def test_a_bad_form_answers_its_errors_in_french_and_keeps_the_answers(egletons, egletons_member):
    data = CHEF_DE_PROJET | {
        "salary_min": "50000",
        "salary_max": "40000",
        "application_handling": "courriel",
        "title": "",
    }
    response = create(client_as(egletons_member), egletons, "chef-de-projet", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Le salaire maximum doit être supérieur ou égal au minimum." in page
    assert "Indiquez l’adresse électronique où envoyer les candidatures." in page
    assert "Piloter le projet de revitalisation." in page  # nothing lost
    assert 'aria-invalid="true"' in page
    assert not Offer.objects.exists()


def test_a_vta_draft_holds_its_tutor(egletons, egletons_member):
    create(client_as(egletons_member), egletons, "vta", VTA)
    posting = Posting.objects.select_related("offer").get()
    assert posting.offer.kind == OfferKind.VTA
    assert (posting.tutor_name, posting.offer.duration_months) == ("Claire Martin", 12)
    assert "Claire Martin, secrétaire générale" in posting.offer.description_text


def test_an_eligible_draft_is_sent_to_moderation(egletons, egletons_member, caplog):
    client = client_as(egletons_member)
    create(client, egletons, "chef-de-projet", CHEF_DE_PROJET)
    posting = Posting.objects.get()
    url = reverse("recruitment:offer-action", kwargs={"organisation": egletons.pk, "pk": posting.pk})
    with caplog.at_level("INFO", logger="security"):
        client.post(url, {"action": "submit"})
    posting.refresh_from_db()
    assert posting.offer.status == OfferStatus.SUBMITTED
    assert posting.submitted_at is not None
    assert OfferEvent.objects.filter(kind=EventKind.SUBMITTED, actor=egletons_member).exists()
    assert any(record.getMessage() == "offer_submitted" for record in caplog.records)
    # Once submitted it is not the organisation's to edit any more.
    edit = reverse("recruitment:offer-edit", kwargs={"organisation": egletons.pk, "pk": posting.pk})
    client.post(edit, CHEF_DE_PROJET | {"title": "Autre titre"})
    posting.offer.refresh_from_db()
    assert posting.offer.title == CHEF_DE_PROJET["title"]


def test_an_ineligible_offer_is_not_sent_and_the_page_says_why(db):
    lyon = OrganisationFactory(name="Ville de Lyon", commune="69123")
    member = MembershipFactory(organisation=lyon).user
    client = client_as(member)
    create(client, lyon, "chef-de-projet", CHEF_DE_PROJET)
    posting = Posting.objects.get()
    response = client.post(
        reverse("recruitment:offer-action", kwargs={"organisation": lyon.pk, "pk": posting.pk}),
        {"action": "submit"},
        follow=True,
    )
    posting.offer.refresh_from_db()
    assert posting.offer.status == OfferStatus.DRAFT
    assert "Lyon ne fait pas partie du programme Petites villes de demain" in response.content.decode()


def test_the_preview_is_the_public_page_with_a_draft_banner(egletons, egletons_member):
    client = client_as(egletons_member)
    create(client, egletons, "chef-de-projet", CHEF_DE_PROJET)
    posting = Posting.objects.get()
    response = client.get(reverse("recruitment:offer-preview", kwargs={"organisation": egletons.pk, "pk": posting.pk}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Brouillon : voici l’offre telle que les candidats la verront" in page
    assert '<meta name="robots" content="noindex">' in page
    assert "Chef de projet Petites villes de demain" in page
    # The public page itself does not exist yet.
    assert client_as(None).get(posting.offer.get_absolute_url()).status_code == 404


def test_the_organisation_page_lists_offers_by_status_in_bounded_queries(
    organisation, member, django_assert_max_num_queries
):
    for _ in range(3):
        PostingFactory(organisation=organisation, offer__draft=True)
    for _ in range(3):
        PostingFactory(organisation=organisation)
    PostingFactory()  # another organisation's
    client = client_as(member)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("recruitment:organisation", kwargs={"organisation": organisation.pk}))
    page = response.content.decode()
    assert "Brouillons (3)" in page
    assert "Publiées (3)" in page


def test_someone_without_organisation_is_told_how_to_join_one(job_seeker):
    page = client_as(job_seeker).get(reverse("recruitment:home")).content.decode()
    assert "Vous ne faites partie d’aucune organisation" in page


def test_a_member_picks_their_organisation(member, organisation):
    page = client_as(member).get(reverse("recruitment:home")).content.decode()
    assert reverse("recruitment:organisation", kwargs={"organisation": organisation.pk}) in page


def test_another_organisations_offer_or_application_answers_404_in_ones_own_space(organisation, member):
    from tests.factories import ApplicationFactory

    foreign = PostingFactory()  # another organisation's
    application = ApplicationFactory(posting=foreign)
    client = client_as(member)
    own = {"organisation": organisation.pk}
    for name in ("recruitment:offer", "recruitment:offer-edit", "recruitment:offer-preview", "recruitment:offer-renew"):
        assert client.get(reverse(name, kwargs=own | {"pk": foreign.pk})).status_code == 404, name
    for name in ("recruitment:application", "recruitment:application-cv"):
        assert client.get(reverse(name, kwargs=own | {"pk": application.pk})).status_code == 404, name
    action = reverse("recruitment:offer-action", kwargs=own | {"pk": foreign.pk})
    assert client.post(action, {"action": "withdraw"}).status_code == 404
    foreign.offer.refresh_from_db()
    assert foreign.offer.status == OfferStatus.PUBLISHED


def test_an_organisation_waiting_for_approval_cannot_post(db):
    pending = OrganisationFactory(pending=True, commune="19073")
    member = MembershipFactory(organisation=pending).user
    client = client_as(member)
    page = client.get(reverse("recruitment:organisation", kwargs={"organisation": pending.pk})).content.decode()
    assert "attend la validation" in page
    response = create(client, pending, "chef-de-projet", CHEF_DE_PROJET)
    assert response.status_code == 302
    assert not Offer.objects.exists()
