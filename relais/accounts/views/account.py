"""Mon compte (seed 003 §6.2.1 and §6.4) and passwords (seed 003 §8)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_http_methods

from .. import forms, services, throttling
from ..enums import VerificationPurpose
from ..middleware import allowed_during_account_setup
from ..tokens import password_reset_token_generator
from .common import EMAIL_CHANGE_SESSION_KEY
from .signup import session_verification, verification_page


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
    verification = session_verification(request, EMAIL_CHANGE_SESSION_KEY, VerificationPurpose.EMAIL_CHANGE)
    if verification is None or verification.user_id != request.user.pk:
        return redirect("accounts:email_change")
    if verification.verified_at is not None:
        return _finish_email_change(request, verification)
    return verification_page(
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
