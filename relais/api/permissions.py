"""Who manages a partner's API keys: its administrators, Relais accounts that support links to the partner (admin,
« Partenaires de l’API »). Support itself manages every key from the admin."""

from django.shortcuts import get_object_or_404

from .models import ApiKey, Partner

# Read at login and kept in the session, like the Conseillers-Entreprises roles: the header links to the keys
# page without a query per page; the pages themselves check on every request.
PARTNER_ADMIN_SESSION_KEY = "api_partner_admin"


def administered_partner(user, public_id) -> Partner:
    """The partner if the user administers it; 404 otherwise (another partner's page does not exist for them)."""
    return get_object_or_404(Partner.objects.administered_by(user), public_id=public_id)


def administered_key(user, public_id) -> ApiKey:
    return get_object_or_404(
        ApiKey.objects.select_related("partner").filter(partner__in=Partner.objects.administered_by(user)),
        public_id=public_id,
    )


def remember_partner_role(sender, request, user, **kwargs) -> None:
    request.session[PARTNER_ADMIN_SESSION_KEY] = Partner.objects.administered_by(user).exists()


def partner_context(request) -> dict:
    session = getattr(request, "session", None)
    return {"is_api_partner_admin": bool(session and session.get(PARTNER_ADMIN_SESSION_KEY))}
