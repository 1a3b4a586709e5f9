from datetime import datetime, time, timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.core.admin import ReadOnlyAdmin, TabularInline

from . import services
from .enums import RevocationReason
from .models import AccountSuspension, EmailVerification, User


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class SuspensionForm(forms.Form):
    reason = forms.CharField(
        label="Motif",
        help_text="Il est envoyé à la personne par courriel et affiché quand elle tente de se connecter.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        error_messages={"required": "Indiquez le motif de la suspension."},
    )
    until = forms.DateField(
        label="Jusqu'au (inclus)",
        required=False,
        help_text="Laisser vide pour une suspension jusqu'à sa levée.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_until(self):
        day = self.cleaned_data["until"]
        if day is None:
            return None
        # The suspension covers the whole last day, in French time.
        end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
        if end <= timezone.now():
            raise ValidationError("Choisissez une date à venir.")
        return end


class SuspendedFilter(admin.SimpleListFilter):
    title = "suspension"
    parameter_name = "suspendu"

    def lookups(self, request, model_admin):
        return [("oui", "Suspendu"), ("non", "Non suspendu")]

    def queryset(self, request, queryset):
        in_force = Q(suspended_at__isnull=False) & (
            Q(suspended_until__isnull=True) | Q(suspended_until__gt=timezone.now())
        )
        if self.value() == "oui":
            return queryset.filter(in_force)
        if self.value() == "non":
            return queryset.exclude(in_force)
        return queryset


class SuspensionInline(TabularInline):
    """The history of the account's suspensions; they are made and lifted with the actions of the list."""

    model = AccountSuspension
    fk_name = "user"
    extra = 0
    fields = ["starts_at", "ends_at", "reason", "suspended_by", "lifted_at", "lifted_by", "lift_reason"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = "historique des suspensions"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "signup_completed_at", "is_staff", "last_login"]
    list_filter = [
        "is_active",
        SuspendedFilter,
        "is_staff",
        "is_superuser",
        ("signup_completed_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = [
        "public_id",
        "last_login",
        "date_joined",
        "email_verified_at",
        "signup_completed_at",
        "deactivated_at",
        "suspended_at",
        "suspended_until",
    ]
    inlines = [SuspensionInline]
    fieldsets = [
        (None, {"fields": ["email", "password", "public_id"]}),
        ("Identité", {"fields": ["civility", "first_name", "last_name", "phone"]}),
        ("Désactivation", {"fields": ["is_active", "deactivated_at", "deactivation_reason"]}),
        ("Suspension", {"fields": ["suspended_at", "suspended_until"]}),
        ("Droits", {"fields": ["is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined", "email_verified_at", "signup_completed_at"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "usable_password", "password1", "password2"]})]
    actions = ["deactivate", "reactivate", "suspend", "lift_suspension"]

    def get_inline_instances(self, request, obj=None):
        # No history to show on the creation page.
        return super().get_inline_instances(request, obj) if obj else []

    @admin.action(description="Désactiver les comptes sélectionnés")
    def deactivate(self, request, queryset):
        count = services.deactivate_users(
            users=queryset.exclude(pk=request.user.pk), reason=f"Désactivé par {request.user.email}", actor=request.user
        )
        self.message_user(
            request,
            f"{count} compte(s) désactivé(s) : ils ne peuvent plus se connecter et leurs sessions sont fermées. "
            "Précisez le motif sur la fiche du compte si besoin.",
            messages.SUCCESS,
        )

    @admin.action(description="Réactiver les comptes sélectionnés")
    def reactivate(self, request, queryset):
        count = services.reactivate_users(users=queryset)
        self.message_user(request, f"{count} compte(s) réactivé(s).", messages.SUCCESS)

    @admin.action(description="Suspendre les comptes sélectionnés…")
    def suspend(self, request, queryset):
        users = list(queryset.exclude(pk=request.user.pk))
        form = SuspensionForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for user in users:
                services.suspend_account(
                    user=user,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    until=form.cleaned_data["until"],
                )
            self.message_user(
                request,
                f"{len(users)} compte(s) suspendu(s) : leurs sessions, liens et accès aux services connectés sont "
                "fermés, et chaque personne est prévenue par courriel.",
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/accounts/user/suspend.html",
            {
                **self.admin_site.each_context(request),
                "title": "Suspendre des comptes",
                "opts": self.model._meta,
                "form": form,
                "users": users,
                "queryset": queryset,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "errors": helpers.AdminErrorList(form, []),
            },
        )

    @admin.action(description="Lever la suspension des comptes sélectionnés")
    def lift_suspension(self, request, queryset):
        lifted = 0
        for user in queryset:
            try:
                services.lift_suspension(user=user, actor=request.user)
            except ValidationError:
                continue
            lifted += 1
        self.message_user(
            request, f"{lifted} suspension(s) levée(s) ; chaque personne est prévenue par courriel.", messages.SUCCESS
        )

    def save_model(self, request, obj, form, change):
        # The "actif" box of the form is the other way to (de)activate: keep the date in step with it.
        deactivated = change and "is_active" in form.changed_data and not obj.is_active
        if change and "is_active" in form.changed_data:
            obj.deactivated_at = None if obj.is_active else timezone.now()
            if obj.is_active:
                obj.deactivation_reason = ""
        super().save_model(request, obj, form, change)
        if deactivated:
            services.revoke_access(user=obj, reason=RevocationReason.DEACTIVATED)


@admin.register(AccountSuspension)
class AccountSuspensionAdmin(ReadOnlyAdmin):
    """The log of suspensions (read-only: they are made and lifted from the list of accounts)."""

    list_display = ["user", "starts_at", "ends_at", "suspended_by", "lifted_at", "lifted_by"]
    list_select_related = ["user", "suspended_by", "lifted_by"]
    search_fields = ["user__email", "reason"]
    fields = ["user", "reason", "starts_at", "ends_at", "suspended_by", "lifted_at", "lifted_by", "lift_reason"]
    readonly_fields = fields


@admin.register(EmailVerification)
class EmailVerificationAdmin(admin.ModelAdmin):
    """Read-only: to answer "I never got the code" (was it sent, has it expired, how many tries)."""

    list_display = ["email", "purpose", "created_at", "expires_at", "verified_at", "attempts"]
    list_filter = ["purpose"]
    search_fields = ["email"]
    fields = ["email", "purpose", "user", "created_at", "expires_at", "verified_at", "attempts"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class RelaisTOTPDeviceAdmin(TOTPDeviceAdmin):
    """django-otp's, answering 404 for an unknown device where it would fail with a server error."""

    def config_view(self, request, pk):
        get_object_or_404(TOTPDevice, pk=pk)
        return super().config_view(request, pk)

    def qrcode_view(self, request, pk):
        get_object_or_404(TOTPDevice, pk=pk)
        return super().qrcode_view(request, pk)
