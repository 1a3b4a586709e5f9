from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils import timezone

from . import services
from .models import EmailVerification, User


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "signup_completed_at", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", ("signup_completed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = [
        "public_id",
        "last_login",
        "date_joined",
        "email_verified_at",
        "signup_completed_at",
        "deactivated_at",
    ]
    fieldsets = [
        (None, {"fields": ["email", "password", "public_id"]}),
        ("Identité", {"fields": ["civility", "first_name", "last_name", "phone"]}),
        ("Désactivation", {"fields": ["is_active", "deactivated_at", "deactivation_reason"]}),
        ("Droits", {"fields": ["is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined", "email_verified_at", "signup_completed_at"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "usable_password", "password1", "password2"]})]
    actions = ["deactivate", "reactivate"]

    @admin.action(description="Désactiver les comptes sélectionnés")
    def deactivate(self, request, queryset):
        count = services.deactivate_users(
            users=queryset.exclude(pk=request.user.pk), reason=f"Désactivé par {request.user.email}"
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

    def save_model(self, request, obj, form, change):
        # The "actif" box of the form is the other way to (de)activate: keep the date in step with it.
        if change and "is_active" in form.changed_data:
            obj.deactivated_at = None if obj.is_active else timezone.now()
            if obj.is_active:
                obj.deactivation_reason = ""
        super().save_model(request, obj, form, change)


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
