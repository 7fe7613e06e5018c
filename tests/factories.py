"""factory_boy factories for users, organisations, memberships, delegates, offers and feeds, with traits.

Places are real (the test session imports the territories): Tulle (19272, Corrèze, Nouvelle-Aquitaine
75) unless told otherwise. A commune, an EPCI or a région may be given as its code.
"""

from __future__ import annotations

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from feeds.enums import FeedFormat, RunStatus, RunTrigger
from feeds.models import Feed, FeedRun
from offers.enums import OfferKind
from partnership.accounts.enums import OrganisationKind, OrganisationStatus, Role
from partnership.accounts.models import Delegate, Membership, Organisation, User
from territories.models import Commune, Departement, Epci, Region
from tests.offers.factories import OfferFactory

__all__ = [
    "DelegateFactory",
    "FeedFactory",
    "FeedRunFactory",
    "MembershipFactory",
    "OfferFactory",
    "OrganisationFactory",
    "UserFactory",
    "siren_with_check_digit",
]

TULLE = "19272"
TULLE_AGGLO = "241927201"


def siren_with_check_digit(first_eight: str) -> str:
    """`first_eight` followed by its Luhn check digit (written here independently of the validator)."""
    doubled = [int(d) * 2 if i % 2 == 1 else int(d) for i, d in enumerate(first_eight)]
    total = sum(d - 9 if d > 9 else d for d in doubled)
    return first_eight + str((10 - total % 10) % 10)


class UserFactory(factory.django.DjangoModelFactory):
    """An active account with no usable password (tests log in with `force_login`)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin {n}")
    password = factory.LazyFunction(lambda: make_password(None))

    class Params:
        staff = factory.Trait(is_staff=True)
        superuser = factory.Trait(is_staff=True, is_superuser=True)
        inactive = factory.Trait(is_active=False)

    @factory.post_generation
    def departements(self, create: bool, extracted: list[str | Departement] | None, **kwargs: object) -> None:
        """`departements=["19"]`: the départements a staff member is limited to."""
        if create and extracted:
            self.staff_departements.set(extracted)


def _commune(value: str | Commune | None) -> Commune | None:
    return Commune.objects.get(pk=value) if isinstance(value, str) else value


def _epci(value: str | Epci | None) -> Epci | None:
    return Epci.objects.get(pk=value) if isinstance(value, str) else value


class OrganisationFactory(factory.django.DjangoModelFactory):
    """The commune of Tulle unless told otherwise (its name and SIREN are made up, the SIREN's check digit right)."""

    class Meta:
        model = Organisation

    kind = OrganisationKind.COMMUNE
    name = factory.Sequence(lambda n: f"Commune d’essai {n}")
    siren = factory.Sequence(lambda n: siren_with_check_digit(f"2{n:07d}"))
    commune = TULLE
    epci = None
    status = OrganisationStatus.APPROVED  # `pending=True`: created at sign-up, not approved by staff yet

    class Params:
        pending = factory.Trait(status=OrganisationStatus.PENDING)
        # An EPCI is its own territory, with its own SIREN.
        intercommunality = factory.Trait(
            kind=OrganisationKind.EPCI,
            name=factory.LazyAttribute(lambda o: _epci(o.epci).name),
            siren=factory.LazyAttribute(lambda o: _epci(o.epci).siren),
            commune=None,
            epci=TULLE_AGGLO,
        )
        association = factory.Trait(
            kind=OrganisationKind.ASSOCIATION, name=factory.Sequence(lambda n: f"Association d’essai {n}")
        )

    @classmethod
    def _create(cls, model_class: type[Organisation], *args: object, **kwargs: object) -> Organisation:
        kwargs["commune"] = _commune(kwargs.get("commune"))  # type: ignore[arg-type]
        kwargs["epci"] = _epci(kwargs.get("epci"))  # type: ignore[arg-type]
        return super()._create(model_class, *args, **kwargs)


class MembershipFactory(factory.django.DjangoModelFactory):
    """A plain member; `administrator=True` for an administrator. Written directly, not through the services."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.MEMBER

    class Params:
        administrator = factory.Trait(role=Role.ADMINISTRATOR)


class DelegateFactory(factory.django.DjangoModelFactory):
    """An Apec delegate of Nouvelle-Aquitaine (75) unless `regions=[...]` says otherwise."""

    class Meta:
        model = Delegate
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, email=factory.Sequence(lambda n: f"delegue{n}@apec.fr"))

    @factory.post_generation
    def regions(self, create: bool, extracted: list[str | Region] | None, **kwargs: object) -> None:
        if create:
            self.regions.set(extracted if extracted is not None else ["75"])


class FeedFactory(factory.django.DjangoModelFactory):
    """An Apec XML feed on an allowed host."""

    class Meta:
        model = Feed

    name = factory.Sequence(lambda n: f"Flux d’essai {n}")
    slug = factory.Sequence(lambda n: f"flux-{n}")
    format = FeedFormat.APEC
    location = factory.LazyAttribute(lambda o: f"https://api.francetravail.io/{o.slug}.xml")
    default_kind = OfferKind.VTE

    class Params:
        disabled = factory.Trait(enabled=False)
        csv = factory.Trait(format=FeedFormat.CSV)


class FeedRunFactory(factory.django.DjangoModelFactory):
    """A finished, successful scheduled run."""

    class Meta:
        model = FeedRun

    feed = factory.SubFactory(FeedFactory)
    status = RunStatus.SUCCEEDED
    trigger = RunTrigger.SCHEDULE
    started_at = factory.LazyFunction(timezone.now)
    finished_at = factory.LazyAttribute(lambda o: o.started_at)

    class Params:
        queued = factory.Trait(status=RunStatus.QUEUED, started_at=None, finished_at=None)
        failed = factory.Trait(status=RunStatus.FAILED, error="Le serveur du flux ne répond pas.")


# --- Recruitment by collectivités (issue 12) -------------------------------------------------------


def minimal_pdf(text: str = "CV") -> bytes:
    """A small valid PDF of one page (written by pypdf)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


class PostingFactory(factory.django.DjangoModelFactory):
    """A collectivité's chef-de-projet offer (Action cœur de ville) of the commune of Tulle, published and
    taking applications on the portal; `offer__draft=True` for a draft."""

    class Meta:
        model = "recruitment.Posting"

    offer = factory.SubFactory(
        OfferFactory, chef_de_projet=True, employer_name="Commune de Tulle", title="Chef de projet Action cœur de ville"
    )
    organisation = factory.SubFactory(OrganisationFactory)
    programme = "acv"
    missions = "Piloter le programme Action cœur de ville."
    profile = "Bac + 5 en aménagement."


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "recruitment.Application"

    posting = factory.SubFactory(PostingFactory)
    name = "Alex Dupont"
    email = factory.Sequence(lambda n: f"candidat{n}@example.org")
    message = "Je suis très intéressé par ce poste."
    cv = factory.django.FileField(filename="cv.pdf", data=factory.LazyFunction(minimal_pdf))
    cv_size = 1000
