"""Devenir activateur (seed 002 art. 3): four steps shown as a DSFR stepper, resumable at any point."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from relais.accounts import forms as account_forms
from relais.accounts import services as accounts
from relais.accounts import views as account_views
from relais.accounts.enums import VerificationPurpose
from relais.accounts.middleware import allowed_during_account_setup
from relais.accounts.models import EmailVerification
from relais.legal.services import current_terms

from ..enums import Status
from ..forms import CharterForm, StructureForm
from ..models import Activator
from ..services import registration
from .common import error_text

SESSION_KEY = "francenum_signup_verification"
# The emailed link brings the person back into these steps, not into the Portail's sign-up (company step).
LINK_NAME = "activateurs:signup_link"
STEPS = ("Création du compte", "Validation du compte", "Saisie des informations", "Acceptation de la charte et envoi")


def stepper(step: int) -> dict:
    return {
        "step": step,
        "step_title": STEPS[step - 1],
        "next_title": STEPS[step] if step < len(STEPS) else "",
        "steps_count": len(STEPS),
    }


def current_step(user) -> tuple[int, Activator | None]:
    """Where a person stands: 1 without an account, 2 until it is complete, 3 until the information is entered,
    4 until the application is sent; 5 once sent."""
    if not user.is_authenticated:
        return 1, None
    if user.signup_completed_at is None:
        return 2, None
    activator = registration.application_of(user)
    if activator is None or activator.status == Status.DRAFT and registration.missing_information(activator):
        return 3, activator
    if activator.status == Status.DRAFT:
        return 4, activator
    return 5, activator


STEP_URLS = {
    1: "activateurs:signup_email",
    2: "activateurs:signup_identity",
    3: "activateurs:structure",
    4: "activateurs:charter",
    5: "francenum:home",
}


@login_not_required
@allowed_during_account_setup
def start(request):
    """The entry: what the four steps are, and a button that resumes where the person stands."""
    step, activator = current_step(request.user)
    resume = STEP_URLS[step]
    return render(
        request, "francenum/register/start.html", {"current": step, "resume_url": resume, "activator": activator}
    )


def _verification(request):
    public_id = request.session.get(SESSION_KEY)
    if not public_id:
        return None
    return EmailVerification.objects.filter(public_id=public_id, purpose=VerificationPurpose.SIGNUP).first()


@login_not_required
@require_http_methods(["GET", "POST"])
def signup_email(request):
    """Step 1: the address; a code and a link are emailed (the accounts app's verification)."""
    if request.user.is_authenticated:
        return redirect("activateurs:start")
    form = account_forms.SignupEmailForm(request.POST or None)
    email_taken = False
    if form.is_valid():
        email = form.cleaned_data["email"]
        if accounts.email_is_taken(email=email):
            email_taken = True
        else:
            try:
                verification = accounts.send_verification(
                    email=email, purpose=VerificationPurpose.SIGNUP, link_name=LINK_NAME
                )
            except accounts.VerificationError as error:
                form.add_error("email", str(error))
            else:
                request.session[SESSION_KEY] = str(verification.public_id)
                return redirect("activateurs:signup_code")
    return render(request, "francenum/register/email.html", {"form": form, "email_taken": email_taken, **stepper(1)})


@login_not_required
@require_http_methods(["GET", "POST"])
def signup_code(request):
    """Step 2: the code received (or a new one), then the password."""
    verification = _verification(request)
    if verification is None:
        return redirect("activateurs:signup_email")
    if verification.verified_at is not None:
        return redirect("activateurs:signup_password")
    resend = request.method == "POST" and request.POST.get("action") == "resend"
    form = account_forms.VerificationCodeForm(None if resend else request.POST or None)
    if resend:
        try:
            verification = accounts.send_verification(
                email=verification.email, purpose=VerificationPurpose.SIGNUP, link_name=LINK_NAME
            )
        except accounts.VerificationError as error:
            messages.error(request, str(error))
        else:
            request.session[SESSION_KEY] = str(verification.public_id)
            messages.success(request, f"Un nouveau code vient d'être envoyé à {verification.email}.")
        return redirect(request.path)
    if form.is_valid():
        try:
            accounts.check_code(verification=verification, code=form.cleaned_data["code"])
        except accounts.VerificationError as error:
            form.add_error("code", str(error))
        else:
            return redirect("activateurs:signup_password")
    return render(request, "francenum/register/code.html", {"form": form, "email": verification.email, **stepper(2)})


# Step 2 by the emailed link, in any browser: the address is verified, the password comes next.
signup_link = account_views.signup_link_view(
    session_key=SESSION_KEY,
    restart="activateurs:signup_email",
    password_step="activateurs:signup_password",
    then="activateurs:start",
)


signup_password = account_views.signup_password_view(
    session_key=SESSION_KEY,
    restart="activateurs:signup_email",
    code_step="activateurs:signup_code",
    next_step="activateurs:signup_identity",
    template="francenum/register/password.html",
    context=stepper(2),
)


@allowed_during_account_setup
@require_http_methods(["GET", "POST"])
def signup_identity(request):
    """Step 2, end: names and phone; the account is complete (no company step: the structure comes next)."""
    if request.user.signup_completed_at is not None:
        return redirect("activateurs:structure")
    form = account_forms.IdentityForm(request.POST or None, instance=request.user)
    if form.is_valid():
        accounts.update_identity(user=request.user, **{name: form.cleaned_data[name] for name in form.Meta.fields})
        registration.complete_account(user=request.user)
        messages.success(request, "Votre compte est validé. Saisissez maintenant les informations de votre structure.")
        return redirect("activateurs:structure")
    return render(request, "francenum/register/identity.html", {"form": form, **stepper(2)})


@require_http_methods(["GET", "POST"])
def structure(request):
    """Step 3: the structure's information, saved as a draft (resumable)."""
    activator = registration.application_of(request.user)
    if activator is not None and activator.status != Status.DRAFT:
        return redirect("francenum:home")
    form = StructureForm(request.POST or None, request.FILES or None, instance=activator or Activator())
    if form.is_valid():
        data, offers = form.service_data()
        if activator is None:
            activator = registration.start_application(user=request.user, name=data["name"], kind=data["kind"])
        try:
            registration.save_information(activator=activator, actor=request.user, data=data, domains_kinds=offers)
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, "Les informations de votre structure sont enregistrées.")
            return redirect("activateurs:charter")
    return render(request, "francenum/register/structure.html", {"form": form, "activator": activator, **stepper(3)})


@require_http_methods(["GET", "POST"])
def charter(request):
    """Step 4: the charter in force, accepted, and the application sent."""
    activator = registration.application_of(request.user)
    if activator is None:
        return redirect("activateurs:structure")
    if activator.status != Status.DRAFT:
        return redirect("francenum:home")
    missing = registration.missing_information(activator)
    form = CharterForm(request.POST if request.method == "POST" else None)
    if form.is_valid() and not missing:
        try:
            registration.submit_application(activator=activator, actor=request.user, request=request)
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            return redirect("activateurs:sent")
    return render(
        request,
        "francenum/register/charter.html",
        {"form": form, "activator": activator, "missing": missing, "charter": current_terms("francenum"), **stepper(4)},
    )


def sent(request):
    activator = registration.application_of(request.user)
    if activator is None or activator.status == Status.DRAFT:
        return redirect("activateurs:start")
    return render(request, "francenum/register/sent.html", {"activator": activator})
