"""schema.org `JobPosting` data of an offer page, for Google for Jobs and other readers.

Only open offers carry it: Google asks that the structured data be removed once a job is no
longer open, and a `validThrough` in the past would say the same thing less clearly. So the
offer page puts it on an offer for which `Offer.is_open()` holds (published, end date not
reached) and on no other; closed offers keep a human page, marked `noindex`.

Reference: https://developers.google.com/search/docs/appearance/structured-data/job-posting
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from offers.enums import Contract, EducationLevel, Experience, Remote
from offers.html import clean_html
from offers.models import Offer
from partnership.formatting import deadline_moment

SITE_NAME = "Talents des territoires"
FULL_TIME_PERCENT = 100

# Google's `credentialCategory` values for our levels. Bac + 2 (BTS, DUT) is a short higher
# education diploma, an associate degree; bac + 3 (licence) and bac + 4 (maîtrise, master 1)
# are bachelor's level; bac + 5 and more (master, grande école, doctorate) are postgraduate.
CREDENTIAL_CATEGORIES = {
    EducationLevel.BAC2: "associate degree",
    EducationLevel.BAC3: "bachelor degree",
    EducationLevel.BAC4: "bachelor degree",
    EducationLevel.BAC5: "postgraduate degree",
}

# Minimum months of experience asked for; a beginner offer says "no requirements", as Google
# documents for jobs open without experience.
EXPERIENCE_MONTHS = {
    Experience.ONE_TWO: 12,
    Experience.THREE_FIVE: 36,
    Experience.MORE: 60,
}


def employment_types(offer: Offer) -> list[str]:
    """Google's `employmentType` values for the offer's contract and working time.

    - CDI: FULL_TIME, or PART_TIME below 100 % of full time.
    - CDD and contrat de projet (fixed-term, ending with the project): TEMPORARY, with
      FULL_TIME or PART_TIME from the working time.
    - Alternance (apprenticeship or professionalisation contract, work alternating with
      studies): OTHER. Google has no apprenticeship type, and INTERN is shown as « stage »,
      which an alternance is not (it is a paid employment contract).
    - Any other contract: OTHER, with the working time when it is known.

    An offer that does not give its working time is taken as full time, the usual case for
    these posts (a VTA is at least 75 %, a chef de projet full time).
    """
    percent = offer.working_time_percent
    time = "FULL_TIME" if percent is None or percent >= FULL_TIME_PERCENT else "PART_TIME"
    match offer.contract:
        case Contract.CDI:
            return [time]
        case Contract.CDD | Contract.CONTRAT_DE_PROJET:
            return ["TEMPORARY", time]
        case Contract.ALTERNANCE:
            return ["OTHER"]
        case _:
            return ["OTHER"] if percent is None else ["OTHER", time]


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _hiring_organization(offer: Offer) -> dict[str, Any]:
    organization: dict[str, Any] = {"@type": "Organization", "name": offer.employer_name}
    siren = offer.employer_siren or offer.employer_siret[:9]
    if offer.employer_siret:
        organization["identifier"] = {"@type": "PropertyValue", "propertyID": "SIRET", "value": offer.employer_siret}
    elif siren:
        organization["identifier"] = {"@type": "PropertyValue", "propertyID": "SIREN", "value": siren}
    if siren:
        # The State's public record of the organisation: the one page about it we know for sure.
        organization["sameAs"] = f"https://annuaire-entreprises.data.gouv.fr/entreprise/{siren}"
    return organization


def _job_location(offer: Offer) -> dict[str, Any]:
    commune = offer.commune
    address: dict[str, Any] = {
        "@type": "PostalAddress",
        "addressLocality": commune.name,
        "addressRegion": offer.region.name,
        "addressCountry": "FR",
    }
    if commune.postcodes:
        address["postalCode"] = commune.postcodes[0]
    return {
        "@type": "Place",
        "address": address,
        "geo": {"@type": "GeoCoordinates", "latitude": offer.latitude, "longitude": offer.longitude},
    }


def _base_salary(offer: Offer) -> dict[str, Any] | None:
    low, high = offer.salary_min, offer.salary_max
    if low is None and high is None:
        return None
    value: dict[str, Any] = {"@type": "QuantitativeValue", "unitText": "YEAR"}
    if low is not None and high is not None and low != high:
        value["minValue"] = low
        value["maxValue"] = high
    elif low is not None and high is None:
        value["minValue"] = low
    elif high is not None and low is None:
        value["maxValue"] = high
    else:
        value["value"] = low
    return {"@type": "MonetaryAmount", "currency": "EUR", "value": value}


def job_posting(offer: Offer) -> dict[str, Any]:
    """The `JobPosting` of an open offer; `offer` comes with its commune and région loaded."""
    assert offer.published_at is not None, "only published offers have a JobPosting"
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": offer.title,
        "description": clean_html(offer.description),
        "url": absolute_url(offer.get_absolute_url()),
        "identifier": {"@type": "PropertyValue", "name": SITE_NAME, "value": str(offer.pk)},
        "datePosted": offer.published_at.isoformat(),
        "employmentType": employment_types(offer),
        "hiringOrganization": _hiring_organization(offer),
        "jobLocation": _job_location(offer),
        # Candidates apply on the employer's site or by e-mail, not on this portal (yet).
        "directApply": False,
    }
    if offer.expires_at is not None:
        data["validThrough"] = deadline_moment(offer.expires_at).isoformat()
    if offer.start_date is not None:
        data["jobStartDate"] = offer.start_date.isoformat()
    salary = _base_salary(offer)
    if salary is not None:
        data["baseSalary"] = salary
    if offer.education_level in CREDENTIAL_CATEGORIES:
        data["educationRequirements"] = {
            "@type": "EducationalOccupationalCredential",
            "credentialCategory": CREDENTIAL_CATEGORIES[EducationLevel(offer.education_level)],
        }
    if offer.experience == Experience.BEGINNER:
        data["experienceRequirements"] = "no requirements"
    elif offer.experience in EXPERIENCE_MONTHS:
        data["experienceRequirements"] = {
            "@type": "OccupationalExperienceRequirements",
            "monthsOfExperience": EXPERIENCE_MONTHS[Experience(offer.experience)],
        }
    if offer.remote == Remote.FULL:
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = {"@type": "Country", "name": "FR"}
    return data


# As django.utils.html.json_script: the JSON cannot close the element or open a comment.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld_script(data: dict[str, Any]) -> SafeString:
    """`data` in a `<script type="application/ld+json">` element: data for readers, never run."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308  # nosec B308 B703 - JSON with <, >, & escaped
