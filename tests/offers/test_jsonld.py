"""schema.org JobPosting data on offer pages, read back from the page as a crawler would."""

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from offers.enums import Contract, EducationLevel, EmployerKind, Experience, Remote
from offers.jsonld import employment_types, json_ld_script
from offers.models import Offer
from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def json_ld_of(client, offer):
    response = client.get(offer.get_absolute_url())
    assert response.status_code == 200
    blocks = JSON_LD.findall(response.content.decode())
    assert len(blocks) <= 1
    return json.loads(blocks[0]) if blocks else None


def test_job_posting_has_google_required_and_recommended_fields(client):
    offer = OfferFactory(
        title="Chef de projet Action cœur de ville",
        chef_de_projet=True,
        employer_name="Commune de Tulle",
        employer_kind=EmployerKind.COMMUNE,
        employer_siren="211902727",
        employer_siret="21190272700011",
        description='<p>Piloter <strong>le programme</strong>.</p><script>alert("x")</script>',
        salary_min=32000,
        salary_max=38000,
        education_level=EducationLevel.BAC5,
        experience=Experience.THREE_FIVE,
        working_time_percent=100,
        start_date=dt.date(2026, 9, 1),
        apply_url="https://www.tulle.fr/recrutement",
    )

    data = json_ld_of(client, offer)

    assert data["@context"] == "https://schema.org/"
    assert data["@type"] == "JobPosting"
    assert data["title"] == "Chef de projet Action cœur de ville"
    assert data["description"] == "<p>Piloter <strong>le programme</strong>.</p>"
    assert dt.datetime.fromisoformat(data["datePosted"]) == offer.published_at
    assert dt.datetime.fromisoformat(data["validThrough"]) == offer.expires_at
    assert data["employmentType"] == ["TEMPORARY", "FULL_TIME"]
    assert data["url"] == f"http://127.0.0.1:8000{offer.get_absolute_url()}"
    assert data["identifier"] == {"@type": "PropertyValue", "name": "Talents des territoires", "value": str(offer.pk)}
    assert data["hiringOrganization"] == {
        "@type": "Organization",
        "name": "Commune de Tulle",
        "identifier": {"@type": "PropertyValue", "propertyID": "SIRET", "value": "21190272700011"},
        "sameAs": "https://annuaire-entreprises.data.gouv.fr/entreprise/211902727",
    }
    assert data["jobLocation"] == {
        "@type": "Place",
        "address": {
            "@type": "PostalAddress",
            "addressLocality": "Tulle",
            "postalCode": "19000",
            "addressRegion": "Nouvelle-Aquitaine",
            "addressCountry": "FR",
        },
        "geo": {"@type": "GeoCoordinates", "latitude": offer.latitude, "longitude": offer.longitude},
    }
    assert data["baseSalary"] == {
        "@type": "MonetaryAmount",
        "currency": "EUR",
        "value": {"@type": "QuantitativeValue", "minValue": 32000, "maxValue": 38000, "unitText": "YEAR"},
    }
    assert data["directApply"] is False
    assert data["educationRequirements"] == {
        "@type": "EducationalOccupationalCredential",
        "credentialCategory": "postgraduate degree",
    }
    assert data["experienceRequirements"] == {"@type": "OccupationalExperienceRequirements", "monthsOfExperience": 36}
    assert data["jobStartDate"] == "2026-09-01"
    assert "jobLocationType" not in data and "applicantLocationRequirements" not in data


def test_full_remote_offer_is_telecommute_in_france(client):
    data = json_ld_of(client, OfferFactory(remote=Remote.FULL))

    assert data["jobLocationType"] == "TELECOMMUTE"
    assert data["applicantLocationRequirements"] == {"@type": "Country", "name": "FR"}


def test_optional_fields_are_left_out_when_unknown(client):
    data = json_ld_of(client, OfferFactory(expires_at=None, salary_text="Selon profil", employer_siren=""))

    for key in ("validThrough", "baseSalary", "educationRequirements", "experienceRequirements", "jobStartDate"):
        assert key not in data
    assert data["hiringOrganization"] == {"@type": "Organization", "name": "Ateliers de Corrèze"}


def test_beginners_and_single_salary_figure(client):
    data = json_ld_of(
        client, OfferFactory(experience=Experience.BEGINNER, salary_min=30000, education_level=EducationLevel.BAC2)
    )

    assert data["experienceRequirements"] == "no requirements"
    assert data["baseSalary"]["value"] == {"@type": "QuantitativeValue", "minValue": 30000, "unitText": "YEAR"}
    assert data["educationRequirements"]["credentialCategory"] == "associate degree"


@pytest.mark.parametrize(
    ("level", "category"),
    [
        (EducationLevel.BAC2, "associate degree"),
        (EducationLevel.BAC3, "bachelor degree"),
        (EducationLevel.BAC4, "bachelor degree"),
        (EducationLevel.BAC5, "postgraduate degree"),
    ],
)
def test_education_levels(client, level, category):
    data = json_ld_of(client, OfferFactory(education_level=level))
    assert data["educationRequirements"]["credentialCategory"] == category


@pytest.mark.parametrize(
    ("contract", "percent", "expected"),
    [
        (Contract.CDI, None, ["FULL_TIME"]),
        (Contract.CDI, 100, ["FULL_TIME"]),
        (Contract.CDI, 80, ["PART_TIME"]),
        (Contract.CDD, None, ["TEMPORARY", "FULL_TIME"]),
        (Contract.CDD, 75, ["TEMPORARY", "PART_TIME"]),
        (Contract.CONTRAT_DE_PROJET, 100, ["TEMPORARY", "FULL_TIME"]),
        (Contract.ALTERNANCE, None, ["OTHER"]),
        (Contract.OTHER, None, ["OTHER"]),
        (Contract.OTHER, 50, ["OTHER", "PART_TIME"]),
    ],
)
def test_employment_types(contract, percent, expected):
    assert employment_types(Offer(contract=contract, working_time_percent=percent)) == expected


@pytest.mark.parametrize(
    "changes",
    [
        {"filled": True},
        {"expired": True},
        {"withdrawn": True},
        {"expires_at": timezone.now() - dt.timedelta(minutes=5)},  # published, end date passed
    ],
    ids=["filled", "expired", "withdrawn", "past-end-date"],
)
def test_no_job_posting_once_the_offer_is_closed(client, changes):
    assert json_ld_of(client, OfferFactory(**changes)) is None


def test_json_ld_cannot_close_its_script_element(client):
    offer = OfferFactory(title="</script><script>alert(1)</script>", employer_name="A & B <C>")

    html = client.get(offer.get_absolute_url()).content.decode()
    data = json.loads(JSON_LD.search(html).group(1))

    assert data["title"] == "</script><script>alert(1)</script>"
    assert data["hiringOrganization"]["name"] == "A & B <C>"
    assert "<script>alert(1)" not in html.replace("&lt;script&gt;", "")


def test_json_ld_script_escapes_markup():
    script = json_ld_script({"a": "</script>&"})
    assert script == '<script type="application/ld+json">{"a": "\\u003C/script\\u003E\\u0026"}</script>'
