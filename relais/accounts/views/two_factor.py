"""Two-factor authentication: enrolment, backup codes, disabling."""

from base64 import b32encode

import segno
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from .. import forms, services
from ..middleware import allowed_during_account_setup
from .common import AFTER_TWO_FACTOR_SESSION_KEY, BACKUP_CODES_SESSION_KEY
from .login import safe_next, second_factor_attempt, with_next


@allowed_during_account_setup
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    user = request.user
    if request.GET.get("next"):
        request.session[AFTER_TWO_FACTOR_SESSION_KEY] = safe_next(request, request.GET["next"])
    if services.has_two_factor(user=user):
        next_url = request.session.pop(AFTER_TWO_FACTOR_SESSION_KEY, None)
        return redirect(with_next("accounts:login_code", next_url) if next_url else "accounts:profile")
    device = services.pending_totp_device(user=user)
    form = forms.OtpTokenForm(request.POST or None)
    form.fields["token"].help_text = "Les 6 chiffres affichés par votre application pour Relais."
    if form.is_valid():
        token = form.cleaned_data["token"]
        codes = second_factor_attempt(
            form, user=user, verify=lambda: services.confirm_totp_device(user=user, device=device, token=token)
        )
        if codes is not None:
            device.refresh_from_db()
            otp_login(request, device)
            request.session[BACKUP_CODES_SESSION_KEY] = codes
            return redirect("accounts:two_factor_backup_codes")
    qr_code = segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_code": qr_code,
            "secret": _grouped_secret(device),
            "required": services.two_factor_required(user=user),
        },
    )


def _grouped_secret(device) -> str:
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@require_http_methods(["GET", "POST"])
def two_factor_backup_codes(request):
    """Fresh backup codes, shown once (on enrolment, or when the person asks for new ones)."""
    if request.method == "POST":
        request.session[BACKUP_CODES_SESSION_KEY] = services.replace_backup_codes(user=request.user)
        return redirect("accounts:two_factor_backup_codes")
    codes = request.session.pop(BACKUP_CODES_SESSION_KEY, None)
    if not codes:
        return redirect("accounts:profile")
    next_url = request.session.pop(AFTER_TWO_FACTOR_SESSION_KEY, None) or reverse("accounts:profile")
    return render(request, "accounts/two_factor_backup_codes.html", {"codes": codes, "next_url": next_url})


@require_http_methods(["GET", "POST"])
def two_factor_disable(request):
    user = request.user
    if services.two_factor_required(user=user):
        messages.error(request, "La double authentification est obligatoire pour votre compte.")
        return redirect("accounts:profile")
    form = forms.PasswordConfirmationForm(request.POST or None, user=user)
    if form.is_valid():
        services.disable_two_factor(user=user)
        messages.success(request, "La double authentification est désactivée.")
        return redirect("accounts:profile")
    return render(request, "accounts/two_factor_disable.html", {"form": form})
