"""Support manages partners and every key from here; a new key's secret is shown once, in the confirmation."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from .enums import Scope
from .models import ApiKey, Partner, WebhookDelivery
from .services import keys, partners


class PartnerAdminForm(forms.ModelForm):
    allowed_scopes = forms.MultipleChoiceField(
        label="Droits accordés", choices=Scope.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    webhook_url = forms.URLField(label="Adresse du webhook", required=False, max_length=500, assume_scheme="https")
    webhook_secret = forms.CharField(label="Secret de signature du webhook", disabled=True, required=False)

    class Meta:
        model = Partner
        fields = [
            "name",
            "kind",
            "institution",
            "allowed_scopes",
            "administrators",
            "contact_email",
            "webhook_url",
            "webhook_secret",
            "is_active",
        ]


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    fields = ["name", "prefix", "scopes", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    form = PartnerAdminForm
    list_display = ["name", "kind", "institution", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "institution__name"]
    autocomplete_fields = ["institution"]
    filter_horizontal = ["administrators"]
    inlines = [ApiKeyInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "webhook_url" in form.changed_data or (obj.webhook_url and not obj.webhook_secret):
            partners.configure_webhook(partner=obj, url=obj.webhook_url, regenerate_secret=False, actor=request.user)


class ApiKeyAdminForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(label="Droits", choices=Scope.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiKey
        fields = ["partner", "name", "scopes", "quota"]

    def clean(self):
        cleaned = super().clean()
        partner, scopes = cleaned.get("partner"), cleaned.get("scopes") or []
        refused = [scope for scope in scopes if partner and scope not in partner.allowed_scopes]
        if refused:
            self.add_error("scopes", f"Droits non accordés à ce partenaire : {', '.join(refused)}.")
        return cleaned


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyAdminForm
    list_display = ["name", "partner", "prefix", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["partner"]
    search_fields = ["name", "prefix", "partner__name"]
    list_select_related = ["partner"]
    actions = ["revoke", "rotate"]
    readonly_fields = ["prefix", "expires_at", "revoked_at", "last_used_at", "expiry_notice_sent_at", "rotated_from"]

    def get_fields(self, request, obj=None):
        return ["partner", "name", "scopes", "quota"] + ([] if obj is None else self.readonly_fields)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields + (["partner"] if obj else [])

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        key, secret = keys.create_key(
            partner=obj.partner, name=obj.name, scopes=obj.scopes, actor=request.user, quota=obj.quota
        )
        obj.pk = key.pk
        messages.warning(request, f"Clé créée : {secret} — copiez-la maintenant, elle ne sera plus affichée.")

    @admin.action(description="Révoquer les clés choisies")
    def revoke(self, request, queryset):
        for key in queryset:
            try:
                keys.revoke_key(key=key, actor=request.user)
            except ValidationError as error:
                messages.error(request, f"{key} : {error.messages[0]}")

    @admin.action(description="Remplacer les clés choisies (l’ancienne reste valable 7 jours)")
    def rotate(self, request, queryset):
        for key in queryset.select_related("partner"):
            try:
                new_key, secret = keys.rotate_key(key=key, actor=request.user)
            except ValidationError as error:
                messages.error(request, f"{key} : {error.messages[0]}")
            else:
                messages.warning(request, f"Nouvelle clé pour « {new_key.name} » : {secret} — copiez-la maintenant.")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "partner", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status", "partner"]
    list_select_related = ["partner"]
    readonly_fields = [field.name for field in WebhookDelivery._meta.fields]

    def has_add_permission(self, request):
        return False
