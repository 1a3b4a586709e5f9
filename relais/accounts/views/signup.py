"""Sign-up (seed 003 §6.1.1): address, code or link, password, identity, company."""

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from relais.companies.registry import RegistryUnavailable, get_registry

from .. import forms, services
from ..enums import SignupStep, VerificationPurpose
from ..middleware import allowed_during_account_setup
from ..models import EmailVerification
from .common import SIGNUP_SESSION_KEY


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


def session_verification(request, key: str, purpose: VerificationPurpose):
    public_id = request.session.get(key)
    if not public_id:
        return None
    return EmailVerification.objects.filter(public_id=public_id, purpose=purpose).first()


@login_not_required
@require_http_methods(["GET", "POST"])
def signup_verify(request):
    """Steps 3-4: the code from the email (or a new one, within the hourly limit)."""
    verification = session_verification(request, SIGNUP_SESSION_KEY, VerificationPurpose.SIGNUP)
    if verification is None:
        return redirect("accounts:signup")
    if verification.verified_at is not None:
        return redirect("accounts:signup_password")
    return verification_page(
        request,
        verification=verification,
        session_key=SIGNUP_SESSION_KEY,
        done_url="accounts:signup_password",
        template="accounts/signup_verify.html",
    )


def verification_page(request, *, verification, session_key: str, done_url: str, template: str):
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


def signup_password_view(
    *, session_key: str, restart: str, code_step: str, next_step: str, template: str, context: dict | None = None
):
    """The password step, for this app's sign-up and for a service's own steps (France Num): the account then
    exists, the address is reserved and the person is signed in, then goes to `next_step`. Without a verification
    in the session it goes back to `restart`, with one not yet verified to `code_step`."""

    @login_not_required
    @require_http_methods(["GET", "POST"])
    def view(request):
        verification = session_verification(request, session_key, VerificationPurpose.SIGNUP)
        if verification is None:
            return redirect(restart)
        if verification.verified_at is None:
            return redirect(code_step)
        form = forms.SignupPasswordForm(request.POST or None, email=verification.email)
        if form.is_valid():
            try:
                user = services.create_account(verification=verification, password=form.cleaned_data["password1"])
            except services.EmailTaken:
                messages.info(request, "Un compte existe déjà avec cette adresse : connectez-vous pour continuer.")
                return redirect("accounts:login")
            except services.VerificationError as error:
                messages.error(request, str(error))
                return redirect(restart)
            del request.session[session_key]
            auth_login(request, user, backend="relais.accounts.backends.ThrottledModelBackend")
            return redirect(next_step)
        return render(request, template, {"form": form, "email": verification.email, **(context or {})})

    return view


# Step 5: the password.
signup_password = signup_password_view(
    session_key=SIGNUP_SESSION_KEY,
    restart="accounts:signup",
    code_step="accounts:signup_verify",
    next_step="accounts:signup_identity",
    template="accounts/signup_password.html",
)


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
