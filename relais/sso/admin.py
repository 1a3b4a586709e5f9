from django.contrib import admin, messages
from django.db import transaction
from oauth2_provider.admin import ApplicationAdmin
from oauth2_provider.models import get_application_model

from relais.core.admin import ReadOnlyAdmin

from . import services
from .models import BackchannelLogout, ClientProfile, Consent, SignIn

Application = get_application_model()


class ClientProfileInline(admin.StackedInline):
    model = ClientProfile
    can_delete = False
    fields = ["digital_service", "backchannel_logout_uri", "previous_secret_expires_at"]
    readonly_fields = ["previous_secret_expires_at"]
    verbose_name_plural = "réglages Relais"


admin.site.unregister(Application)


@admin.register(Application)
class RelaisApplicationAdmin(ApplicationAdmin):
    inlines = [ClientProfileInline]
    actions = ["end_all_sessions"]

    @admin.action(description="Fermer les sessions des personnes connectées à ces services")
    def end_all_sessions(self, request, queryset):
        with transaction.atomic():
            count = services.end_sessions(SignIn.objects.filter(application__in=queryset))
        self.message_user(request, f"{count} déconnexion(s) transmise(s) aux services.", messages.SUCCESS)


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ["user", "application", "scope", "granted_at", "last_used_at"]
    list_select_related = ["user", "application"]
    search_fields = ["user__email", "application__name"]


@admin.register(SignIn)
class SignInAdmin(ReadOnlyAdmin):
    list_display = ["user", "application", "acr", "created_at", "redeemed_at", "ended_at"]
    list_select_related = ["user", "application"]
    list_filter = ["acr"]
    search_fields = ["user__email", "application__name"]
    exclude = ["code_hash", "token_family"]


@admin.register(BackchannelLogout)
class BackchannelLogoutAdmin(ReadOnlyAdmin):
    list_display = ["application", "subject", "status", "attempts", "created_at", "sent_at", "last_error"]
    list_select_related = ["application"]
    list_filter = ["status"]
