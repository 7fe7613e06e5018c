"""Feed documents for the sync tests: the common XML job-feed format, built job by job."""

from __future__ import annotations

from xml.sax.saxutils import escape

# Communes (INSEE code, postcode, name) the generated offers are spread over.
PLACES = [
    ("19272", "19000", "Tulle"),
    ("74010", "74000", "Annecy"),
    ("87085", "87000", "Limoges"),
    ("12202", "12000", "Rodez"),
    ("63113", "63000", "Clermont-Ferrand"),
]

DESCRIPTION = (
    "<p>Vous accompagnez la modernisation d'un site industriel.</p>"
    "<ul><li>Pilotage de projets</li><li>Relations avec les partenaires</li></ul>"
)


def job(
    n: int,
    *,
    reference: str | None = None,
    title: str = "Chargé de mission industrie",
    city: str | None = None,
    postalcode: str | None = None,
    description: str = DESCRIPTION,
    company: str = "Forges & Ateliers du Centre",
) -> str:
    """One `<job>`: id JOB-<n>, in the n-th place of PLACES unless told otherwise."""
    _code, default_postcode, default_city = PLACES[n % len(PLACES)]
    reference = f"JOB-{n}" if reference is None else reference
    return (
        "<job>"
        f"<title><![CDATA[{title} n° {n}]]></title>"
        "<date>Tue, 03 Nov 2026 10:00:00 GMT</date>"
        f"<referencenumber>{escape(reference)}</referencenumber>"
        f"<url>https://emplois.example.fr/offres/{n}</url>"
        f"<company>{escape(company)}</company>"
        f"<city>{escape(default_city if city is None else city)}</city><state></state><country>FR</country>"
        f"<postalcode>{default_postcode if postalcode is None else postalcode}</postalcode>"
        f"<description><![CDATA[{description}]]></description>"
        "<salary>32 000 € brut annuel</salary><education>Bac+5</education><jobtype>CDD</jobtype>"
        "<category>Industrie</category><experience>Débutant accepté</experience>"
        "</job>"
    )


def document(jobs: list[str]) -> bytes:
    return (
        "<?xml version='1.0' encoding='utf-8'?><source><publisher>Test</publisher>" + "".join(jobs) + "</source>"
    ).encode()


def xml_jobs(count: int, *, start: int = 1, title: str = "Chargé de mission industrie") -> bytes:
    """A common XML job feed of `count` offers, ids JOB-<start> … JOB-<start + count - 1>."""
    return document([job(n, title=title) for n in range(start, start + count)])
