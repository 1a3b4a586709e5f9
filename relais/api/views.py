"""The keys page of a partner's space: its administrators create, name, scope, rotate and revoke its API keys, and
set its webhook. A new secret is shown once, on the page the creation redirects to, then forgotten."""

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .forms import ApiKeyForm, WebhookForm
from .models import Partner
from .permissions import administered_key, administered_partner
from .services import keys, partners

NEW_SECRET_SESSION_KEY = "api_new_key_secret"
DOUBLE_SUBMIT_SECONDS = 60 * 60


def partner_list(request):
    partners_ = list(Partner.objects.administered_by(request.user).select_related("institution"))
    if len(partners_) == 1:
        return redirect("api:partner_keys", partners_[0].public_id)
    return render(request, "api/partner_list.html", {"partners": partners_})


def _remember_secret(request, key, secret: str) -> None:
    # Kept in the session only until the next page shows it.
    request.session[NEW_SECRET_SESSION_KEY] = {"key": str(key.public_id), "secret": secret}


def partner_keys(request, public_id):
    partner = administered_partner(request.user, public_id)
    form = ApiKeyForm(request.POST or None, partner=partner)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["submission_token"]
        if not cache.add(f"api:key-form:{token}", 1, DOUBLE_SUBMIT_SECONDS):
            return redirect("api:partner_keys", partner.public_id)
        try:
            key, secret = keys.create_key(
                partner=partner, name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"], actor=request.user
            )
        except ValidationError as error:
            cache.delete(f"api:key-form:{token}")
            form.add_error(None, error)
        else:
            _remember_secret(request, key, secret)
            return redirect("api:partner_keys", partner.public_id)
    context = {
        "partner": partner,
        "form": form,
        "keys": partner.keys.select_related("replaced_by").order_by("-created_at"),
        "new_secret": request.session.pop(NEW_SECRET_SESSION_KEY, None),
        "docs_url": reverse("api-v1:openapi-view"),
        "landings": partner.institution.landings.filter(is_active=True).order_by("title")
        if partner.institution_id
        else [],
        "site_url": settings.SITE_URL,
    }
    return render(request, "api/partner_keys.html", context, status=400 if form.errors else 200)


@require_POST
def revoke(request, public_id):
    key = administered_key(request.user, public_id)
    try:
        keys.revoke_key(key=key, actor=request.user)
        messages.success(request, f"La clé « {key.name} » est révoquée : elle est refusée dès maintenant.")
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("api:partner_keys", key.partner.public_id)


@require_POST
def rotate(request, public_id):
    key = administered_key(request.user, public_id)
    try:
        new_key, secret = keys.rotate_key(key=key, actor=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        _remember_secret(request, new_key, secret)
        messages.info(request, f"L’ancienne clé « {key.name} » reste valable 7 jours, le temps de la remplacer.")
    return redirect("api:partner_keys", key.partner.public_id)


def partner_webhook(request, public_id):
    partner = administered_partner(request.user, public_id)
    form = WebhookForm(request.POST or None, initial={"webhook_url": partner.webhook_url})
    if request.method == "POST" and form.is_valid():
        partners.configure_webhook(
            partner=partner,
            url=form.cleaned_data["webhook_url"],
            regenerate_secret=form.cleaned_data["regenerate_secret"],
            actor=request.user,
        )
        messages.success(request, "Le webhook est enregistré.")
        return redirect("api:partner_webhook", partner.public_id)
    return render(request, "api/partner_webhook.html", {"partner": partner, "form": form})
