from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Lower, Mod, Ord, Substr
from django.db.models.lookups import Exact
from django.utils import timezone

from partnership.accounts.enums import OrganisationKind, OrganisationStatus, Role
from partnership.accounts.validators import validate_siren
from territories.models import Commune, Departement, Epci, Region


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    @classmethod
    def canonical_email(cls, email: str) -> str:
        """The address as accounts store it: stripped, the whole address in lower case."""
        return cls.normalize_email(email.strip()).lower()

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("Une adresse électronique est obligatoire.")
        user = self.model(email=self.canonical_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address (no username)."""

    email = models.EmailField("adresse électronique", unique=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    is_staff = models.BooleanField("équipe du partenariat", default=False)
    is_active = models.BooleanField("actif", default=True)
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)
    # None until the person opens the confirmation link of their sign-up: such an account cannot log
    # in. Accounts made by staff (admin, createsuperuser) are confirmed from the start.
    email_confirmed_at = models.DateTimeField("adresse confirmée le", null=True, blank=True, default=timezone.now)
    staff_departements = models.ManyToManyField(
        Departement,
        verbose_name="départements suivis",
        blank=True,
        related_name="scoped_staff",
        help_text="Pour un membre de l’équipe : les seuls départements dont il voit les organisations. "
        "Aucun : tous les départements.",
    )

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def get_short_name(self) -> str:
        return self.first_name or self.email

    def departement_scope(self) -> list[str] | None:
        """The départements a staff member is limited to; None when not limited (superuser, or no département).

        Meaningful for staff only: the access QuerySets look at it after `is_staff`.
        """
        if self.is_superuser:
            return None
        codes = list(self.staff_departements.values_list("code", flat=True))
        return codes or None


AnyUser = User | AnonymousUser


def _active(user: AnyUser) -> User | None:
    """The user when logged in with an active account; None for anonymous and deactivated people."""
    return user if isinstance(user, User) and user.is_active else None


def _siren_digit(position: int) -> Any:
    """The digit at `position` (1 to 9) of the SIREN column, as an integer expression (no cast can fail)."""
    return Ord(Substr("siren", position, 1)) - 48


# Luhn on the nine digits: the 2nd, 4th, 6th and 8th (every second one from the right, the check
# digit excluded) are doubled, minus 9 when above 9 (PostgreSQL's integer division: `d / 5` is 1 from 5).
_SIREN_LUHN_SUM = sum(
    (
        _siren_digit(position) * 2 - _siren_digit(position) / 5 * 9 if position % 2 == 0 else _siren_digit(position)
        for position in range(1, 10)
    ),
    start=models.Value(0),
)


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    """Organisations, and who may see or edit them (see docs/architecture.md, "Access layer")."""

    def approved(self) -> OrganisationQuerySet:
        """Approved by staff: only these may post offers."""
        return self.filter(status=OrganisationStatus.APPROVED)

    def pending(self) -> OrganisationQuerySet:
        return self.filter(status=OrganisationStatus.PENDING)

    def in_departements(self, codes: Iterable[str] | models.QuerySet[Any]) -> OrganisationQuerySet:
        return self.filter(_in_departements(codes))

    def in_regions(self, codes: Iterable[str] | models.QuerySet[Any]) -> OrganisationQuerySet:
        return self.filter(_in_regions(codes))

    def visible_to(self, user: AnyUser) -> OrganisationQuerySet:
        """Its members' organisations; staff: every one, or those of their départements; delegates: of their régions."""
        viewer = _active(user)
        if viewer is None:
            return self.none()
        if viewer.is_superuser:
            return self.all()
        condition = Q(Exists(Membership.objects.filter(organisation=OuterRef("pk"), user=viewer)))
        if viewer.is_staff:
            scope = viewer.departement_scope()
            if scope is None:
                return self.all()
            condition |= _in_departements(scope)
        condition |= _in_regions(Region.objects.filter(delegates__user=viewer).values("code"))
        return self.filter(condition)

    def editable_by(self, user: AnyUser) -> OrganisationQuerySet:
        """Its administrators' organisations; staff: every one, or those of their départements."""
        viewer = _active(user)
        if viewer is None:
            return self.none()
        if viewer.is_superuser:
            return self.all()
        condition = Q(
            Exists(Membership.objects.filter(organisation=OuterRef("pk"), user=viewer, role=Role.ADMINISTRATOR))
        )
        if viewer.is_staff:
            scope = viewer.departement_scope()
            if scope is None:
                return self.all()
            condition |= _in_departements(scope)
        return self.filter(condition)


def _in_departements(codes: Iterable[str] | models.QuerySet[Any]) -> Q:
    """An organisation's commune is in one of `codes`, or its EPCI has a commune there (an EPCI may straddle two)."""
    return Q(commune__departement__in=codes) | Q(
        Exists(Commune.objects.filter(epci=OuterRef("epci"), departement__in=codes))
    )


def _in_regions(codes: Iterable[str] | models.QuerySet[Any]) -> Q:
    return Q(commune__region__in=codes) | Q(Exists(Commune.objects.filter(epci=OuterRef("epci"), region__in=codes)))


class Organisation(models.Model):
    """A collectivité or another body whose members use the portal, on a commune or an EPCI of the territories data.

    A commune is on its commune, an EPCI on its EPCI; any other body on the commune of its seat, or on
    the EPCI it works with (a PETR, a syndicat mixte). An organisation always keeps an administrator:
    `services.py` changes memberships (decision 13).
    """

    kind = models.CharField("nature", max_length=30, choices=OrganisationKind.choices)
    name = models.CharField("nom", max_length=200)
    siren = models.CharField(
        "SIREN", max_length=9, unique=True, validators=[validate_siren], help_text="9 chiffres, sans espace."
    )
    commune = models.ForeignKey(
        Commune,
        verbose_name="commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text="Code INSEE de la commune (pour une commune) ou de la commune du siège.",
    )
    epci = models.ForeignKey(
        Epci,
        verbose_name="EPCI",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text="SIREN de l’EPCI (pour un EPCI), ou de l’EPCI avec lequel l’organisation travaille.",
    )
    # Created by one of its people at /espace-collectivite/creer/: pending until staff approve it
    # (services.approve_organisation); only approved organisations may post offers.
    status = models.CharField(
        "validation", max_length=20, choices=OrganisationStatus.choices, default=OrganisationStatus.PENDING
    )
    approved_at = models.DateTimeField("validée le", null=True, blank=True)
    approved_by = models.ForeignKey(
        "User",
        verbose_name="validée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "organisation"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=OrganisationStatus.values), name="organisation_status_valid"),
            models.CheckConstraint(
                condition=Q(siren__regex=r"^[0-9]{9}$"),
                name="organisation_siren_format",
                violation_error_message="Un numéro SIREN s’écrit avec 9 chiffres, sans espace.",
            ),
            models.CheckConstraint(
                condition=Exact(Mod(_SIREN_LUHN_SUM, 10), 0),
                name="organisation_siren_check_digit",
                violation_error_message="Ce numéro SIREN n’existe pas : sa clé de contrôle ne correspond pas.",
            ),
            models.CheckConstraint(
                condition=Q(commune__isnull=False, epci__isnull=True) | Q(commune__isnull=True, epci__isnull=False),
                name="organisation_one_territory",
                violation_error_message="Indiquez soit une commune, soit un EPCI (l’un des deux, pas les deux).",
            ),
            models.CheckConstraint(
                condition=~Q(kind=OrganisationKind.COMMUNE) | Q(commune__isnull=False),
                name="organisation_commune_on_its_commune",
                violation_error_message="Une commune a pour territoire sa commune : indiquez son code INSEE.",
            ),
            models.CheckConstraint(
                condition=~Q(kind=OrganisationKind.EPCI) | Q(siren=F("epci")),
                name="organisation_epci_on_its_epci",
                violation_error_message="Un EPCI a pour territoire lui-même : indiquez-le avec le même SIREN.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_approved(self) -> bool:
        """Approved by staff: may post offers."""
        return self.status == OrganisationStatus.APPROVED


class MembershipQuerySet(models.QuerySet["Membership"]):
    def administrators(self) -> MembershipQuerySet:
        return self.filter(role=Role.ADMINISTRATOR)

    def visible_to(self, user: AnyUser) -> MembershipQuerySet:
        """The members of one's own organisations; staff: of the organisations in their scope. Not delegates."""
        viewer = _active(user)
        if viewer is None:
            return self.none()
        if viewer.is_superuser:
            return self.all()
        condition = Q(Exists(Membership.objects.filter(organisation=OuterRef("organisation"), user=viewer)))
        if viewer.is_staff:
            condition |= Q(organisation__in=Organisation.objects.editable_by(viewer).values("pk"))
        return self.filter(condition)

    def editable_by(self, user: AnyUser) -> MembershipQuerySet:
        """The members of the organisations one administers; staff: of the organisations in their scope."""
        return self.filter(organisation__in=Organisation.objects.editable_by(user).values("pk"))


class Membership(models.Model):
    """A user's membership of an organisation, with a role. Written by `services.py` only."""

    # PROTECT: deleting an account would otherwise take an organisation's last administrator with it;
    # accounts are deactivated, and memberships removed through the services.
    user = models.ForeignKey(User, verbose_name="utilisateur", on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, verbose_name="organisation", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField("ajouté le", auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "membre"
        ordering = ["organisation", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                name="membership_once_per_organisation",
                violation_error_message="Cette personne est déjà membre de l’organisation.",
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


class DelegateQuerySet(models.QuerySet["Delegate"]):
    def of_region(self, code: str) -> DelegateQuerySet:
        return self.filter(regions=code)

    def visible_to(self, user: AnyUser) -> DelegateQuerySet:
        """One's own profile; staff: every delegate, or those of the régions of their départements."""
        viewer = _active(user)
        if viewer is None:
            return self.none()
        if viewer.is_superuser:
            return self.all()
        condition = Q(user=viewer)
        if viewer.is_staff:
            scope = viewer.departement_scope()
            if scope is None:
                return self.all()
            condition |= Q(Exists(Region.objects.filter(delegates=OuterRef("pk"), departements__in=scope)))
        return self.filter(condition)

    def editable_by(self, user: AnyUser) -> DelegateQuerySet:
        """Staff who are not limited to départements (a delegate may cover several régions)."""
        viewer = _active(user)
        if viewer is None:
            return self.none()
        if viewer.is_superuser or (viewer.is_staff and viewer.departement_scope() is None):
            return self.all()
        return self.none()


class Delegate(models.Model):
    """An Apec regional delegate: a user attached to one or more régions."""

    user = models.OneToOneField(User, verbose_name="utilisateur", on_delete=models.CASCADE, related_name="delegate")
    regions = models.ManyToManyField(Region, verbose_name="régions", related_name="delegates")
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    objects = DelegateQuerySet.as_manager()

    class Meta:
        verbose_name = "délégué Apec"
        verbose_name_plural = "délégués Apec"
        ordering = ["user__email"]

    def __str__(self) -> str:
        return self.user.get_full_name()


class JoinRequest(models.Model):
    """A person asks to join an organisation; its administrators (staff when it has none) decide.

    Only pending requests exist: approving one adds the membership and deletes the request, refusing
    deletes it (`services.decide_join_request`); the decision is a security event.
    """

    user = models.ForeignKey(User, verbose_name="demandeur", on_delete=models.CASCADE, related_name="join_requests")
    organisation = models.ForeignKey(
        Organisation, verbose_name="organisation", on_delete=models.CASCADE, related_name="join_requests"
    )
    message = models.CharField("message", max_length=500, blank=True)
    created_at = models.DateTimeField("demandée le", auto_now_add=True)

    class Meta:
        verbose_name = "demande d’adhésion"
        verbose_name_plural = "demandes d’adhésion"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                name="join_request_once_per_organisation",
                violation_error_message="Vous avez déjà demandé à rejoindre cette organisation.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation}"


class Invitation(models.Model):
    """An administrator invites someone by e-mail to join an organisation with a role.

    The e-mailed link is signed and expires (`tokens.py`); it works once (`accepted_at`). A new
    invitation of the same address to the same organisation replaces the pending one.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name="organisation", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField("adresse électronique")
    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.MEMBER)
    invited_by = models.ForeignKey(
        User, verbose_name="invitée par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("envoyée le", default=timezone.now)
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, verbose_name="acceptée par", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "invitation"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_valid"),
            models.UniqueConstraint(
                F("organisation"),
                Lower("email"),
                condition=Q(accepted_at__isnull=True),
                name="invitation_one_pending_per_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"
