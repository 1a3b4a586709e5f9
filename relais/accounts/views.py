import time
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user, verify_token
from django_otp import login as otp_login

from relais.companies.registry import RegistryUnavailable, get_registry

from . import forms, services, throttling
from .enums import SignupStep, VerificationPurpose
from .middleware import SIGNUP_STEP_URLS, allowed_during_account_setup
from .models import EmailVerification
from .tokens import password_reset_token_generator

SIGNUP_SESSION_KEY = "accounts_signup_verification"
EMAIL_CHANGE_SESSION_KEY = "accounts_email_change_verification"
PENDING_LOGIN_SESSION_KEY = "accounts_pending_login"
BACKUP_CODES_SESSION_KEY = "accounts_backup_codes"
# Where to go once a second factor is enrolled (a connected service that requires one, say).
AFTER_TWO_FACTOR_SESSION_KEY = "accounts_after_two_factor"
# Between the password and the second factor.
PENDING_LOGIN_SECONDS = 5 * 60


# Login with an optional second step ------------------------------------------------------------------------------


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
    from .models import User

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
            return redirect(_safe_next(request, request.GET.get("next")))
        if not services.has_two_factor(user=user):
            return redirect(_with_next("accounts:two_factor_setup", request.GET.get("next")))
    else:
        user, pending = _pending_login_user(request)
        if user is None:
            messages.info(request, "Votre connexion a expiré : saisissez de nouveau votre mot de passe.")
            return redirect("accounts:login")
    form = forms.OtpTokenForm(request.POST or None)
    if form.is_valid():
        token = form.cleaned_data["token"]
        device = _second_factor_attempt(form, user=user, verify=lambda: _verify_second_factor(user=user, token=token))
        if device is not None:
            if pending:
                auth_login(request, user, backend=pending["backend"])
                del request.session[PENDING_LOGIN_SESSION_KEY]
            otp_login(request, device)
            return redirect(_safe_next(request, (pending or {}).get("next") or request.GET.get("next")))
    return render(request, "accounts/login_code.html", {"form": form})


def _safe_next(request, next_url: str | None) -> str:
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return next_url
    return settings.LOGIN_REDIRECT_URL


def _with_next(url_name: str, next_url: str | None) -> str:
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _second_factor_attempt(form, *, user, verify):
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


# Sign-up (seed 003 §6.1.1) ---------------------------------------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
def signup_start(request):
    """Step 2: the address. One account per address; a known address is told so, with the ways back in."""
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    # An invitation link sends the invited address along (organizations.views.invitation): typed for the person.
    form = forms.SignupEmailForm(request.POST or None, initial={"email": request.GET.get("email", "")[:254]})
    email_taken = False
    if form.is_valid():
        email = form.cleaned_data["email"]
        if services.email_is_taken(email=email):
            email_taken = True
        else:
            try:
                verification = services.send_verification(email=email, purpose=VerificationPurpose.SIGNUP)
            except services.VerificationError as error:
                form.add_error("email", str(error))
            else:
                request.session[SIGNUP_SESSION_KEY] = str(verification.public_id)
                return redirect("accounts:signup_verify")
    return render(request, "accounts/signup_email.html", {"form": form, "email_taken": email_taken})


def _session_verification(request, key: str, purpose: VerificationPurpose):
    public_id = request.session.get(key)
    if not public_id:
        return None
    return EmailVerification.objects.filter(public_id=public_id, purpose=purpose).first()


@login_not_required
@require_http_methods(["GET", "POST"])
def signup_verify(request):
    """Steps 3-4: the code from the email (or a new one, within the hourly limit)."""
    verification = _session_verification(request, SIGNUP_SESSION_KEY, VerificationPurpose.SIGNUP)
    if verification is None:
        return redirect("accounts:signup")
    if verification.verified_at is not None:
        return redirect("accounts:signup_password")
    return _verification_page(
        request,
        verification=verification,
        session_key=SIGNUP_SESSION_KEY,
        done_url="accounts:signup_password",
        template="accounts/signup_verify.html",
    )


def _verification_page(request, *, verification, session_key: str, done_url: str, template: str):
    form = forms.VerificationCodeForm(request.POST if request.POST.get("action") != "resend" else None)
    if request.method == "POST" and request.POST.get("action") == "resend":
        try:
            verification = services.send_verification(
                email=verification.email, purpose=verification.purpose, user=verification.user
            )
        except services.VerificationError as error:
            messages.error(request, str(error))
        else:
            request.session[session_key] = str(verification.public_id)
            messages.success(request, f"Un nouveau code vient d'être envoyé à {verification.email}.")
        return redirect(request.path)
    if form.is_valid():
        try:
            services.check_code(verification=verification, code=form.cleaned_data["code"])
        except services.VerificationError as error:
            form.add_error("code", str(error))
        else:
            return redirect(done_url)
    return render(request, template, {"form": form, "email": verification.email})


def signup_link_view(*, session_key: str, restart: str, password_step: str, then: str | None = None):
    """The view of an emailed sign-up link, for this app's sign-up and for a service's own steps (France Num): the
    address verified, the person goes on to `password_step` in this browser, whichever one opened the link; an
    invalid link goes back to `restart`; an address that has an account meanwhile signs in, then goes to `then`."""

    @login_not_required
    @require_http_methods(["GET"])
    def view(request, public_id, token):
        try:
            verification = services.check_link(public_id=public_id, token=token, purpose=VerificationPurpose.SIGNUP)
        except services.VerificationError as error:
            messages.error(request, str(error))
            return redirect(restart)
        if services.email_is_taken(email=verification.email):
            messages.info(request, "Votre adresse est vérifiée et votre compte existe : connectez-vous pour continuer.")
            login = reverse("accounts:login")
            return redirect(f"{login}?{urlencode({'next': reverse(then)})}" if then else login)
        request.session[session_key] = str(verification.public_id)
        return redirect(password_step)

    return view


# Step 4 by the emailed link; also the way back to a sign-up left before the password.
signup_verify_link = signup_link_view(
    session_key=SIGNUP_SESSION_KEY, restart="accounts:signup", password_step="accounts:signup_password"
)


@login_not_required
@require_http_methods(["GET", "POST"])
def signup_password(request):
    """Step 5: the password. The account then exists and the address is reserved."""
    verification = _session_verification(request, SIGNUP_SESSION_KEY, VerificationPurpose.SIGNUP)
    if verification is None:
        return redirect("accounts:signup")
    if verification.verified_at is None:
        return redirect("accounts:signup_verify")
    form = forms.SignupPasswordForm(request.POST or None, email=verification.email)
    if form.is_valid():
        try:
            user = services.create_account(verification=verification, password=form.cleaned_data["password1"])
        except services.EmailTaken:
            messages.info(request, "Un compte existe déjà avec cette adresse : connectez-vous pour continuer.")
            return redirect("accounts:login")
        except services.VerificationError as error:
            messages.error(request, str(error))
            return redirect("accounts:signup")
        del request.session[SIGNUP_SESSION_KEY]
        auth_login(request, user, backend="relais.accounts.backends.ThrottledModelBackend")
        return redirect("accounts:signup_identity")
    return render(request, "accounts/signup_password.html", {"form": form, "email": verification.email})


@allowed_during_account_setup
@require_http_methods(["GET", "POST"])
def signup_identity(request):
    """Step 6, first part: civility, names and phone."""
    if request.user.signup_completed_at is not None:
        return redirect("accounts:profile")
    form = forms.IdentityForm(request.POST or None, instance=request.user)
    if form.is_valid():
        services.update_identity(user=request.user, **{name: form.cleaned_data[name] for name in form.Meta.fields})
        return redirect("accounts:signup_company")
    return render(request, "accounts/signup_identity.html", {"form": form})


@allowed_during_account_setup
@require_http_methods(["GET", "POST"])
def signup_company(request):
    """Step 6, second part: the company by SIREN or name, shown from the registry before it is confirmed."""
    user = request.user
    if user.signup_completed_at is not None:
        return redirect("accounts:profile")
    if user.signup_step != SignupStep.COMPANY:
        return redirect("accounts:signup_identity")
    action = request.POST.get("action")
    search_form = forms.CompanySearchForm(request.POST if action == "search" else None)
    confirm_form = None
    context = {"search_form": search_form, "company": None, "results": []}
    try:
        if action == "search" and search_form.is_valid():
            query = search_form.cleaned_data["query"]
            if query.isdigit():
                context["company"] = _company_or_error(search_form, query)
            else:
                context["results"] = _search_companies(query)
                if not context["results"]:
                    search_form.add_error("query", "Aucune entreprise en activité ne correspond à ce nom.")
        elif action in ("select", "confirm"):
            choice = forms.CompanyChoiceForm(request.POST)
            if choice.is_valid():
                company = _company_or_error(search_form, choice.cleaned_data["siren"])
                if company is not None and action == "confirm":
                    confirm_form = forms.CompanyConfirmForm(request.POST)
                    if confirm_form.is_valid():
                        services.complete_signup(user=user, siren=company.siren)
                        messages.success(request, "Votre compte est créé. Bienvenue sur Relais !")
                        return redirect("accounts:profile")
                context["company"] = company
    except RegistryUnavailable as error:
        search_form.add_error(None, str(error))
    if context["company"] is not None:
        confirm_form = confirm_form or forms.CompanyConfirmForm(initial={"siren": context["company"].siren})
    # The form with errors is the one the summary at the top of the page lists.
    context["form"] = confirm_form if confirm_form is not None and confirm_form.errors else search_form
    context["confirm_form"] = confirm_form
    return render(request, "accounts/signup_company.html", context)


def _company_or_error(form, siren: str):
    company = get_registry().get_company(siren)
    if company is None:
        form.add_error(
            None, "Aucune entreprise ne correspond à ce numéro SIREN dans le registre. Vérifiez les chiffres."
        )
    elif not company.is_active:
        form.add_error(None, "Cette entreprise est fermée d'après le registre : indiquez une entreprise en activité.")
        return None
    return company


def _search_companies(query: str):
    seen, results = set(), []
    for establishment in get_registry().search(query, limit=10):
        if establishment.siren not in seen:
            seen.add(establishment.siren)
            results.append(establishment)
    return results


# Mon compte (seed 003 §6.2.1 and §6.4) ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    form = forms.IdentityForm(request.POST or None, instance=user)
    if form.is_valid():
        services.update_identity(user=user, **{name: form.cleaned_data[name] for name in form.Meta.fields})
        messages.success(request, "Vos informations sont enregistrées.")
        return redirect("accounts:profile")
    memberships = user.memberships.select_related("organization").order_by("organization__name")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "memberships": memberships,
            "has_two_factor": services.has_two_factor(user=user),
            "two_factor_required": services.two_factor_required(user=user),
        },
    )


@require_http_methods(["GET", "POST"])
def email_change(request):
    form = forms.EmailChangeForm(request.POST or None, user=request.user)
    if form.is_valid():
        try:
            verification = services.request_email_change(user=request.user, new_email=form.cleaned_data["new_email"])
        except services.EmailTaken:
            form.add_error("new_email", "Cette adresse ne peut pas être utilisée : choisissez-en une autre.")
        except services.VerificationError as error:
            form.add_error("new_email", str(error))
        else:
            request.session[EMAIL_CHANGE_SESSION_KEY] = str(verification.public_id)
            return redirect("accounts:email_verify")
    return render(request, "accounts/email_change.html", {"form": form})


@require_http_methods(["GET", "POST"])
def email_verify(request):
    verification = _session_verification(request, EMAIL_CHANGE_SESSION_KEY, VerificationPurpose.EMAIL_CHANGE)
    if verification is None or verification.user_id != request.user.pk:
        return redirect("accounts:email_change")
    if verification.verified_at is not None:
        return _finish_email_change(request, verification)
    return _verification_page(
        request,
        verification=verification,
        session_key=EMAIL_CHANGE_SESSION_KEY,
        done_url="accounts:email_verify",
        template="accounts/email_verify.html",
    )


@require_http_methods(["GET"])
def email_verify_link(request, public_id, token):
    try:
        verification = services.check_link(public_id=public_id, token=token, purpose=VerificationPurpose.EMAIL_CHANGE)
    except services.VerificationError as error:
        messages.error(request, str(error))
        return redirect("accounts:email_change")
    if verification.user_id != request.user.pk:
        messages.error(request, "Ce lien a été envoyé pour un autre compte : connectez-vous avec celui-ci.")
        return redirect("accounts:profile")
    return _finish_email_change(request, verification)


def _finish_email_change(request, verification):
    try:
        services.confirm_email_change(user=request.user, verification=verification)
    except services.EmailTaken:
        messages.error(request, "Cette adresse ne peut pas être utilisée : choisissez-en une autre.")
        return redirect("accounts:email_change")
    request.session.pop(EMAIL_CHANGE_SESSION_KEY, None)
    messages.success(request, f"Votre adresse électronique est désormais {request.user.email}.")
    return redirect("accounts:profile")


@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = forms.DeleteAccountForm(request.POST or None, user=request.user)
    if form.is_valid():
        user = request.user
        auth_logout(request)
        services.delete_account(user=user, request=request)
        messages.success(request, "Votre compte est supprimé. Vos données personnelles ont été effacées.")
        return redirect(settings.LOGOUT_REDIRECT_URL)
    return render(request, "accounts/delete_account.html", {"form": form})


# Passwords (seed 003 §8) -----------------------------------------------------------------------------------------


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = forms.PasswordChangeForm

    def get_success_url(self):
        return reverse("accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.notify_password_changed(user=form.user)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = forms.PasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")
    token_generator = password_reset_token_generator

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "ip": throttling.client_ip(self.request)}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = forms.SetPasswordForm
    token_generator = password_reset_token_generator

    def get_success_url(self):
        return reverse("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.notify_password_changed(user=form.user)
        return response


@require_http_methods(["GET", "POST"])
def report_compromised(request):
    if request.method == "POST":
        services.report_compromised_password(user=request.user, ip=throttling.client_ip(request))
        auth_logout(request)
        return redirect("accounts:report_compromised_done")
    return render(request, "accounts/report_compromised.html", {})


@login_not_required
@require_http_methods(["GET", "POST"])
def report_compromised_link(request, signed):
    """The link of the security emails: it works without logging in, since the password may no longer work."""
    user = services.user_from_compromised_link(signed=signed)
    if user is None:
        messages.error(
            request,
            f"Ce lien n'est plus valable. Écrivez au support ({settings.SUPPORT_EMAIL}) ou utilisez « Mot de passe "
            "oublié ? ».",
        )
        return redirect("accounts:password_reset")
    if request.method == "POST":
        services.report_compromised_password(user=user, ip=throttling.client_ip(request))
        if request.user.is_authenticated:
            auth_logout(request)
        return redirect("accounts:report_compromised_done")
    return render(request, "accounts/report_compromised.html", {})


@login_not_required
@allowed_during_account_setup
def report_compromised_done(request):
    return render(request, "accounts/report_compromised_done.html", {})


# Two-factor authentication ---------------------------------------------------------------------------------------


@allowed_during_account_setup
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    user = request.user
    if request.GET.get("next"):
        request.session[AFTER_TWO_FACTOR_SESSION_KEY] = _safe_next(request, request.GET["next"])
    if services.has_two_factor(user=user):
        next_url = request.session.pop(AFTER_TWO_FACTOR_SESSION_KEY, None)
        return redirect(_with_next("accounts:login_code", next_url) if next_url else "accounts:profile")
    device = services.pending_totp_device(user=user)
    form = forms.OtpTokenForm(request.POST or None)
    form.fields["token"].help_text = "Les 6 chiffres affichés par votre application pour Relais."
    if form.is_valid():
        token = form.cleaned_data["token"]
        codes = _second_factor_attempt(
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
