"""Sign-in with an optional second factor, and sign-out."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user, verify_token
from django_otp import login as otp_login

from .. import forms, services, throttling
from ..middleware import SIGNUP_STEP_URLS, allowed_during_account_setup
from .common import (
    PENDING_LOGIN_SECONDS,
    PENDING_LOGIN_SESSION_KEY,
)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = forms.LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if services.has_two_factor(user=user):
            # The password is right but the session is not logged in until the second factor is given.
            self.request.session[PENDING_LOGIN_SESSION_KEY] = {
                "user": user.pk,
                "backend": user.backend,
                "at": time.time(),
                "next": self.get_redirect_url(),
            }
            return redirect("accounts:login_code")
        return super().form_valid(form)

    def get_success_url(self):
        # A half-finished sign-up resumes at its next step, and a required second factor is enrolled, before
        # the page asked for.
        user = self.request.user
        if step := user.signup_step:
            return reverse(SIGNUP_STEP_URLS[step])
        if services.two_factor_required(user=user):
            return reverse("accounts:two_factor_setup")
        return super().get_success_url()


def _pending_login_user(request):
    pending = request.session.get(PENDING_LOGIN_SESSION_KEY)
    if not pending or time.time() - pending["at"] > PENDING_LOGIN_SECONDS:
        return None, None
    from ..models import User

    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending


@login_not_required
@allowed_during_account_setup
@require_http_methods(["GET", "POST"])
def login_code(request):
    """Second step of the login, or the check of a session that has none yet when the account or a connected
    service (`acr_values`) requires one; `next` is where to go afterwards."""
    if request.user.is_authenticated:
        user, pending = request.user, None
        if request.user.is_verified():
            return redirect(safe_next(request, request.GET.get("next")))
        if not services.has_two_factor(user=user):
            return redirect(with_next("accounts:two_factor_setup", request.GET.get("next")))
    else:
        user, pending = _pending_login_user(request)
        if user is None:
            messages.info(request, "Votre connexion a expiré : saisissez de nouveau votre mot de passe.")
            return redirect("accounts:login")
    form = forms.OtpTokenForm(request.POST or None)
    if form.is_valid():
        token = form.cleaned_data["token"]
        device = second_factor_attempt(form, user=user, verify=lambda: _verify_second_factor(user=user, token=token))
        if device is not None:
            if pending:
                auth_login(request, user, backend=pending["backend"])
                del request.session[PENDING_LOGIN_SESSION_KEY]
            otp_login(request, device)
            return redirect(safe_next(request, (pending or {}).get("next") or request.GET.get("next")))
    return render(request, "accounts/login_code.html", {"form": form})


def safe_next(request, next_url: str | None) -> str:
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return next_url
    return settings.LOGIN_REDIRECT_URL


def with_next(url_name: str, next_url: str | None) -> str:
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def second_factor_attempt(form, *, user, verify):
    """What `verify()` gives for the code typed (a device, backup codes), unless the person typed too many wrong
    codes; a wrong one is counted and told on the form with the tries left."""
    key = str(user.public_id)
    failures = throttling.SECOND_FACTOR_FAILURES
    if failures.exceeded(key):
        form.add_error("token", _too_many_codes_message())
        return None
    result = verify()
    if result is not None:
        failures.reset(key)
        return result
    failures.hit(key)
    left = failures.remaining(key)
    form.add_error(
        "token",
        "Ce code n'est pas valable. Vérifiez l'heure de votre téléphone, attendez le code suivant et réessayez "
        f"({left} essai{'s' if left > 1 else ''} restant{'s' if left > 1 else ''})."
        if left
        else _too_many_codes_message(),
    )
    return None


def _verify_second_factor(*, user, token: str):
    for device in devices_for_user(user, confirmed=True):
        verified = verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    return None


def _too_many_codes_message() -> str:
    return (
        "Trop de codes erronés. Par sécurité, réessayez dans 15 minutes ; si vous avez perdu votre téléphone, "
        "utilisez l'un de vos codes de secours ou écrivez au support."
    )


@login_not_required
@allowed_during_account_setup
@require_POST
def logout(request):
    auth_logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)
