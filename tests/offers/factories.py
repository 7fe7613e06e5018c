"""factory_boy factories for offers, with traits for each state."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from offers.enums import Contract, EmployerKind, OfferKind, OfferStatus
from offers.models import Offer
from territories.models import Commune


class OfferFactory(factory.django.DjangoModelFactory):
    """A published VTE offer in Tulle (19272) unless told otherwise; `commune` may be a code."""

    class Meta:
        model = Offer

    kind = OfferKind.VTE
    title = factory.Sequence(lambda n: f"Chargé de projet industriel {n}")
    description = "<p>Vous rejoignez une PME industrielle du territoire.</p>"
    description_text = "Vous rejoignez une PME industrielle du territoire."
    employer_name = "Ateliers de Corrèze"
    employer_kind = EmployerKind.ENTREPRISE
    contract = Contract.CDD
    duration_months = 12
    status = OfferStatus.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=60))
    commune = "19272"

    class Params:
        draft = factory.Trait(status=OfferStatus.DRAFT, published_at=None)
        expired = factory.Trait(
            status=OfferStatus.EXPIRED, closed_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
        )
        filled = factory.Trait(
            status=OfferStatus.FILLED, closed_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
        )
        withdrawn = factory.Trait(
            status=OfferStatus.WITHDRAWN, closed_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
        )
        vta = factory.Trait(kind=OfferKind.VTA, employer_kind=EmployerKind.COMMUNE, duration_months=12)
        chef_de_projet = factory.Trait(
            kind=OfferKind.CHEF_DE_PROJET, employer_kind=EmployerKind.COMMUNE, contract=Contract.CONTRAT_DE_PROJET
        )

    @classmethod
    def _create(cls, model_class: type[Offer], *args: object, **kwargs: object) -> Offer:
        commune = kwargs.pop("commune")
        if not isinstance(commune, Commune):
            commune = Commune.objects.get(pk=commune)
        offer = model_class(*args, **kwargs)
        offer.set_place(commune)
        offer.save()
        return offer
