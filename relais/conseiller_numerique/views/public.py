"""Public pages: the service's home, the applications of candidates and structures, their confirmation."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from relais.accounts.models import User
from relais.core.ratelimit import RateLimit, client_ip

from .. import services
from ..forms import AccountForm, CandidateApplicationForm, StructureApplicationForm
from ..models import Candidate, HostStructure
from ..services.common import unsign

APPLICATION_LIMIT = RateLimit("cn-application", limit=10, seconds=60 * 60)


@login_not_required
def home(request):
    return render(request, "conseiller_numerique/home.html")


def _limited(request, form) -> bool:
    ip = client_ip(request)
    if APPLICATION_LIMIT.exceeded(ip):
        form.add_error(
            None,
            "Trop de candidatures envoyées depuis votre connexion : "
            f"réessayez dans {APPLICATION_LIMIT.minutes} minutes.",
        )
        return True
    APPLICATION_LIMIT.hit(ip)
    return False


@login_not_required
def candidate_apply(request):
    form = CandidateApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and not _limited(request, form):
        if not form.is_spam():
            services.apply_as_candidate(
                data=form.application_data(), commune=form.cleaned_data["commune"], cv=form.cleaned_data["cv"]
            )
        return redirect("conseiller_numerique:candidate_sent")
    return render(request, "conseiller_numerique/candidate_apply.html", {"form": form})


@login_not_required
def candidate_sent(request):
    return render(request, "conseiller_numerique/application_sent.html", {"who": "candidate"})


@login_not_required
def structure_apply(request):
    form = StructureApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not _limited(request, form):
        if not form.is_spam():
            try:
                services.apply_as_structure(
                    data=form.cleaned_data,
                    commune=form.cleaned_data["commune"],
                    establishment=form.cleaned_data["establishment"],
                )
            except ValidationError as error:
                form.add_error("siret", error)
                return render(request, "conseiller_numerique/structure_apply.html", {"form": form})
        return redirect("conseiller_numerique:structure_sent")
    return render(request, "conseiller_numerique/structure_apply.html", {"form": form})


@login_not_required
def structure_sent(request):
    return render(request, "conseiller_numerique/application_sent.html", {"who": "structure"})


def _account_step(request, *, email: str, attach, next_url: str, context: dict):
    """After a confirmation: the person's account. An existing account is linked (they sign in with it); otherwise
    one is created with the password chosen here, and the person is signed in."""
    existing = User.objects.filter(email=email).first()
    if existing is not None:
        attach(None)
        if request.user.is_authenticated and request.user.pk == existing.pk:
            return redirect(next_url)
        login_url = f"{reverse('accounts:login')}?next={next_url}"
        return render(request, "conseiller_numerique/confirmed.html", {**context, "login_url": login_url})
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = attach(form.cleaned_data["password"])
        except ValidationError as error:
            form.add_error("password", error)
        except services.TransitionError as error:
            form.add_error(None, str(error))
        else:
            login(request, user, backend="relais.accounts.backends.ThrottledModelBackend")
            messages.success(request, "Votre compte est créé.")
            return redirect(next_url)
    return render(request, "conseiller_numerique/confirmed.html", {**context, "form": form, "login_url": ""})


@login_not_required
def candidate_confirm(request, token: str):
    public_id = unsign("candidate", token)
    candidate = Candidate.objects.filter(public_id=public_id).first() if public_id else None
    if candidate is None:
        raise Http404
    candidate = services.confirm_candidate(candidate=candidate)
    return _account_step(
        request,
        email=candidate.email,
        attach=lambda password: services.attach_account(candidate=candidate, password=password),
        next_url=reverse("conseiller_numerique:candidate_space"),
        context={"who": "candidate", "email": candidate.email},
    )


@login_not_required
def structure_confirm(request, token: str):
    public_id = unsign("structure", token)
    structure = HostStructure.objects.filter(public_id=public_id).select_related("organization").first()
    if public_id is None or structure is None:
        raise Http404
    structure = services.confirm_structure(structure=structure)

    return _account_step(
        request,
        email=structure.contact_email,
        attach=lambda password: services.attach_contact_account(structure=structure, password=password),
        next_url=reverse("conseiller_numerique:my_structures"),
        context={"who": "structure", "email": structure.contact_email},
    )
