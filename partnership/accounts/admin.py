from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import timezone

from partnership.accounts.enums import OrganisationStatus, Role
from partnership.accounts.models import Delegate, Membership, Organisation, User, UserManager
from partnership.accounts.services import (
    add_member,
    change_role,
    create_organisation,
    deactivate_user,
    end_sessions,
    last_administrator_error,
    remove_member,
)


def _acting_user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "is_staff", "is_active")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Identité", {"fields": ("first_name", "last_name")}),
        (
            "Droits",
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "staff_departements",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    filter_horizontal = ("groups", "user_permissions", "staff_departements")
    actions = ["deactivate"]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            end_sessions(user=obj)

    @admin.action(description="Désactiver les comptes choisis et fermer leurs sessions")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            deactivate_user(user=user, by=request.user if isinstance(request.user, User) else None)


class OrganisationCreationForm(forms.ModelForm):
    """A new organisation, and the account of its first administrator (an organisation always has one)."""

    administrator_email = forms.EmailField(
        label="Adresse électronique du premier administrateur",
        help_text="Un compte actif doit déjà exister avec cette adresse.",
    )

    class Meta:
        model = Organisation
        fields = ("kind", "name", "siren", "commune", "epci")

    def clean_administrator_email(self) -> User:
        email = UserManager.canonical_email(self.cleaned_data["administrator_email"])
        user = User.objects.filter(email=email, is_active=True).first()
        if user is None:
            raise ValidationError("Aucun compte actif n’a cette adresse électronique.")
        return user


class MembershipInlineFormSet(BaseInlineFormSet):
    """Refuses, before anything is saved, a change that would leave the organisation without an administrator."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        administrators = 0
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            if form.instance.pk is not None and "user" in form.changed_data:
                raise ValidationError("Pour remplacer un membre, retirez-le puis ajoutez l’autre personne.")
            if form.cleaned_data.get("role") == Role.ADMINISTRATOR:
                administrators += 1
        if administrators == 0:
            raise last_administrator_error(self.instance)


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipInlineFormSet
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)
    raw_id_fields = ("user",)
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "siren", "commune", "epci", "status")
    list_filter = ("status", "kind")
    search_fields = ("name", "siren")
    raw_id_fields = ("commune", "epci")
    fields = ("kind", "name", "siren", "commune", "epci")
    inlines = [MembershipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organisation]:
        # Staff limited to départements administer the organisations of their départements only.
        return Organisation.objects.editable_by(request.user).select_related("commune", "epci")

    def get_form(
        self, request: HttpRequest, obj: Organisation | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = OrganisationCreationForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Organisation | None = None) -> Any:
        return self.fields if obj is not None else (*self.fields, "administrator_email")

    def get_inlines(self, request: HttpRequest, obj: Organisation | None) -> Any:
        # A new organisation gets its first administrator from the creation form.
        return self.inlines if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
        else:
            # Made by staff: approved from the start (those made at sign-up wait at /pilotage/organisations/).
            obj.status = OrganisationStatus.APPROVED
            obj.approved_at = timezone.now()
            obj.approved_by = _acting_user(request)
            create_organisation(
                organisation=obj, administrator=form.cleaned_data["administrator_email"], by=_acting_user(request)
            )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        # Through the services, in the order that keeps an administrator at every step.
        by = _acting_user(request)
        formset.save(commit=False)
        for membership in formset.new_objects:
            add_member(organisation=form.instance, user=membership.user, role=membership.role, by=by)
        for membership, _fields in formset.changed_objects:
            change_role(membership=membership, role=membership.role, by=by)
        for membership in formset.deleted_objects:
            remove_member(membership=membership, by=by)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """A list to search; memberships are changed on their organisation's page (through the services)."""

    list_display = ("user", "organisation", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__email", "user__last_name", "organisation__name", "organisation__siren")
    list_select_related = ("user", "organisation")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return Membership.objects.editable_by(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Membership | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Membership | None = None) -> bool:
        return False


@admin.register(Delegate)
class DelegateAdmin(admin.ModelAdmin):
    list_display = ("user", "region_names", "created_at")
    list_filter = ("regions",)
    search_fields = ("user__email", "user__first_name", "user__last_name")
    raw_id_fields = ("user",)
    filter_horizontal = ("regions",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Delegate]:
        return Delegate.objects.visible_to(request.user).select_related("user").prefetch_related("regions")

    def has_change_permission(self, request: HttpRequest, obj: Delegate | None = None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or Delegate.objects.editable_by(request.user).filter(pk=obj.pk).exists()
        )

    def has_delete_permission(self, request: HttpRequest, obj: Delegate | None = None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is None or Delegate.objects.editable_by(request.user).filter(pk=obj.pk).exists()
        )

    @admin.display(description="régions")
    def region_names(self, delegate: Delegate) -> str:
        return ", ".join(region.name for region in delegate.regions.all())
