from django import forms
from django.contrib import admin
from django.utils import timezone

from .models import TermsAcceptance, TermsVersion
from .scopes import scope_choices
from .services import publish_terms_version


class TermsVersionForm(forms.ModelForm):
    class Meta:
        model = TermsVersion
        fields = ["scope", "version", "published_at", "summary", "body"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "scope" in self.fields:
            self.fields["scope"] = forms.ChoiceField(label="périmètre", choices=scope_choices())


@admin.register(TermsVersion)
class TermsVersionAdmin(admin.ModelAdmin):
    form = TermsVersionForm
    list_display = ["scope", "version", "published_at", "acceptance_count"]
    list_filter = ["scope"]
    search_fields = ["version", "summary"]
    date_hierarchy = "published_at"

    @admin.display(description="acceptations")
    def acceptance_count(self, obj):
        return obj.acceptances.count()

    def get_readonly_fields(self, request, obj=None):
        # A version in force is a contract people accepted: it is never rewritten, a new version replaces it.
        if obj is not None and obj.published_at <= timezone.now():
            return ["scope", "version", "published_at", "summary", "body"]
        return []

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        published = publish_terms_version(
            scope=obj.scope,
            version=obj.version,
            body=obj.body,
            summary=obj.summary,
            published_at=obj.published_at,
        )
        obj.pk, obj.public_id, obj.created_at = published.pk, published.public_id, published.created_at
        obj._state.adding = False
        self.message_user(request, "Les personnes concernées sont prévenues de la nouvelle version par courriel.")

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.published_at > timezone.now()


@admin.register(TermsAcceptance)
class TermsAcceptanceAdmin(admin.ModelAdmin):
    list_display = ["user", "version", "accepted_at"]
    list_filter = ["version__scope"]
    search_fields = ["user__email"]
    list_select_related = ["user", "version"]
    raw_id_fields = ["user", "version"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
