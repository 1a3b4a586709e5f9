from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from relais.core.admin import ReadOnlyAdmin, TabularInline

from . import services
from .models import (
    AccessManagerCode,
    AccessRequest,
    AccessRight,
    AuditEvent,
    DigitalService,
    Invitation,
    Membership,
    Organization,
    ServiceRight,
)


class ServiceRightInline(TabularInline):
    model = ServiceRight
    extra = 0


@admin.register(DigitalService)
class DigitalServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "slug", "position"]
    search_fields = ["name", "acronym", "slug"]
    filter_horizontal = ["application_administrators"]
    inlines = [ServiceRightInline]


class MembershipInline(TabularInline):
    model = Membership
    fk_name = "organization"
    extra = 0
    fields = ["user", "role", "declarant_organization"]
    raw_id_fields = ["user", "declarant_organization"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "siren", "commune_name"]
    search_fields = ["name", "siren"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "declarant_organization"]
    list_filter = ["role"]
    search_fields = ["user__email", "organization__name", "organization__siren"]
    raw_id_fields = ["user", "organization", "declarant_organization"]
    list_select_related = ["user", "organization", "declarant_organization"]


@admin.register(AccessRight)
class AccessRightAdmin(admin.ModelAdmin):
    """Rights and access managers change through the workflows, so that each change is in the audit log."""

    list_display = ["membership", "service", "is_access_manager"]
    list_filter = ["is_access_manager", "service"]
    search_fields = ["membership__user__email", "membership__organization__name", "membership__organization__siren"]
    list_select_related = ["membership__user", "membership__organization", "service"]
    readonly_fields = ["membership", "service", "is_access_manager", "rights"]
    actions = ["appoint_access_managers", "revoke_access_managers"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Nommer responsables des accès")
    def appoint_access_managers(self, request, queryset):
        appointed = 0
        for access in queryset.select_related("membership", "service"):
            try:
                services.appoint_access_manager(
                    actor=request.user, membership=access.membership, service=access.service
                )
            except ValidationError as error:
                self.message_user(request, f"{access} : {' '.join(error.messages)}", messages.WARNING)
            else:
                appointed += 1
        self.message_user(request, f"{appointed} responsable(s) des accès nommé(s).")

    @admin.action(description="Retirer le rôle de responsable des accès")
    def revoke_access_managers(self, request, queryset):
        for access in queryset.select_related("membership", "service"):
            services.revoke_access_manager(actor=request.user, membership=access.membership, service=access.service)
        self.message_user(request, "Rôle retiré.")


@admin.register(AccessRequest)
class AccessRequestAdmin(ReadOnlyAdmin):
    list_display = ["membership", "service", "status", "created_at", "decided_by"]
    list_filter = ["status", "service"]
    list_select_related = ["membership__user", "membership__organization", "service", "decided_by"]
    search_fields = ["membership__user__email", "membership__organization__name"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "organization", "service", "expires_at", "accepted_at", "revoked_at"]
    list_select_related = ["organization", "service"]
    search_fields = ["email", "organization__name", "organization__siren"]
    exclude = ["token_hash"]


@admin.register(AccessManagerCode)
class AccessManagerCodeAdmin(ReadOnlyAdmin):
    """Codes are generated from the application administration page, which shows them once."""

    list_display = ["organization", "service", "created_by", "expires_at", "used_at", "used_by"]
    list_select_related = ["organization", "service", "created_by", "used_by"]
    exclude = ["code_hash"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "organization", "service", "actor_label", "target_label"]
    list_filter = ["action", "service"]
    list_select_related = ["organization", "service"]
    search_fields = ["organization__name", "organization__siren", "actor_label", "target_label"]
    date_hierarchy = "created_at"
