"""Advisor accounts: invitations by support or antenne managers, their acceptance, and requests for an account."""

import uuid
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.views.decorators.http import require_POST

from relais.accounts.forms import SetPasswordForm
from relais.accounts.models import User
from relais.core.ratelimit import client_ip

from ..enums import AccountRequestStatus
from ..forms.advisors import AccountRequestForm, InvitationForm, RefusalForm, TeamsForm
from ..models import AccountRequest, Expert
from ..permissions import is_support, support_required
from ..services.advisors import (
    ACCOUNT_REQUEST_EMAILS,
    InvitationError,
    accept_invitation,
    check_invitation,
    existing_account,
    invitable_experts,
    invitations_manageable_by,
    invitations_visible_to,
    invite_advisor,
    may_invite,
    refuse_account_request,
    request_account,
    resend_invitation,
    search_experts,
    validate_account_request,
)

MAX_LISTED = 100


def _inviter_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_invite(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _uuids(values) -> list[str]:
    valid = []
    for value in values:
        try:
            valid.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return valid


def _teams(request, allowed, *, preselected=()) -> tuple:
    """The teams offered on the page and those checked; 403 when a posted team is not one the user may invite to.

    Support chooses among every team, so it searches them and sees the checked ones plus the results; a manager
    sees the teams of their antennes.
    """
    if request.method == "POST":
        checked = _uuids(request.POST.getlist("experts"))
        query = request.POST.get("expert_query", "").strip()
    else:
        checked = [str(expert.public_id) for expert in preselected]
        query = ""
    if allowed.filter(public_id__in=checked).count() != len(set(checked)):
        raise PermissionDenied
    if is_support(request.user):
        shown = Q(public_id__in=checked)
        if query:
            shown |= Q(pk__in=search_experts(allowed, query).values("pk")[:MAX_LISTED])
        allowed = allowed.filter(shown)
    return allowed.order_by("name", "pk"), checked, query


@_inviter_required
def invite(request):
    allowed = invitable_experts(request.user)
    preselected = allowed.filter(public_id__in=_uuids(request.GET.getlist("equipe")))
    teams, checked, query = _teams(request, allowed, preselected=preselected)
    if request.method == "POST" and request.POST.get("action") == "invite":
        form = InvitationForm(request.POST, teams=teams)
        if form.is_valid():
            data = form.cleaned_data
            invitation = invite_advisor(
                email=data["email"],
                experts=list(data["experts"]),
                invited_by=request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
            )
            messages.success(request, f"Invitation envoyée à {invitation.email}.")
            return redirect("conseillers_entreprises:advisor_invitations")
    else:
        initial = {"experts": checked, "expert_query": query}
        if request.method == "POST":
            initial.update({name: request.POST.get(name, "") for name in ("email", "first_name", "last_name")})
        form = InvitationForm(initial=initial, teams=teams)
    return render(
        request,
        "conseillers_entreprises/advisors/invite.html",
        {"form": form, "searched": query, "is_support": is_support(request.user)},
    )


@_inviter_required
def invitations(request):
    """The invitations not accepted yet, waiting or expired, with a button to send them again."""
    pending = (
        invitations_visible_to(request.user)
        .filter(accepted_at__isnull=True)
        .select_related("invited_by")
        .prefetch_related(
            Prefetch("experts", queryset=Expert.objects.select_related("antenne__institution").order_by("name"))
        )
        .order_by("-sent_at")
    )
    manageable = set(
        invitations_manageable_by(request.user).filter(accepted_at__isnull=True).values_list("pk", flat=True)
    )
    return render(
        request, "conseillers_entreprises/advisors/invitations.html", {"invitations": pending, "manageable": manageable}
    )


@_inviter_required
@require_POST
def resend(request, public_id):
    invitation = get_object_or_404(invitations_manageable_by(request.user), public_id=public_id)
    try:
        resend_invitation(invitation=invitation, author=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Invitation renvoyée à {invitation.email} ; le lien précédent ne fonctionne plus.")
    return redirect("conseillers_entreprises:advisor_invitations")


@login_not_required
def accept(request, public_id, token):
    try:
        invitation = check_invitation(public_id=public_id, token=token)
    except InvitationError as error:
        return render(request, "conseillers_entreprises/advisors/accept_invalid.html", {"error": str(error)})
    experts = list(invitation.experts.select_related("antenne__institution").order_by("name"))
    context = {"invitation": invitation, "experts": experts}
    account = existing_account(invitation)
    if account is not None:
        if not request.user.is_authenticated:
            messages.info(
                request,
                f"Un compte existe déjà pour {invitation.email} : connectez-vous pour rejoindre vos équipes.",
            )
            return redirect_to_login(request.get_full_path())
        if request.user != account:
            return render(request, "conseillers_entreprises/advisors/accept_other_account.html", context)
        if request.method == "POST":
            return _accepted(request, invitation, token, user=account)
        return render(request, "conseillers_entreprises/advisors/accept_join.html", context)
    if request.user.is_authenticated:
        return render(request, "conseillers_entreprises/advisors/accept_other_account.html", context)
    newcomer = User(email=invitation.email, first_name=invitation.first_name, last_name=invitation.last_name)
    form = SetPasswordForm(newcomer, request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _accepted(request, invitation, token, password=form.cleaned_data["new_password1"])
    return render(request, "conseillers_entreprises/advisors/accept.html", {**context, "form": form})


def _accepted(request, invitation, token, **account):
    try:
        user = accept_invitation(invitation=invitation, token=token, **account)
    except InvitationError as error:
        return render(request, "conseillers_entreprises/advisors/accept_invalid.html", {"error": str(error)})
    if not request.user.is_authenticated:
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    messages.success(request, "Votre compte est rattaché à vos équipes : vous recevrez leurs besoins d’entreprises.")
    return redirect(resolve_url(settings.LOGIN_REDIRECT_URL))


# Account requests ------------------------------------------------------------------------------------------------


@login_not_required
def account_request(request):
    form = AccountRequestForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        refusal = ACCOUNT_REQUEST_EMAILS.refusal(email=form.cleaned_data["email"], ip=client_ip(request))
        if refusal:
            form.add_error("email", refusal)
            status = 429
        else:
            if not form.is_spam():
                with transaction.atomic():
                    request_account(**{name: form.cleaned_data[name] for name in AccountRequestForm.Meta.fields})
            # A robot caught by the honeypot sees the same confirmation: nothing tells it it was caught.
            return redirect("conseillers_entreprises:advisor_account_request_sent")
    return render(request, "conseillers_entreprises/advisors/account_request.html", {"form": form}, status=status)


@login_not_required
def account_request_sent(request):
    return render(request, "conseillers_entreprises/advisors/account_request_sent.html")


@support_required
def account_requests(request):
    pending = AccountRequest.objects.filter(status=AccountRequestStatus.PENDING).order_by("created_at")
    return render(request, "conseillers_entreprises/advisors/account_requests.html", {"account_requests": pending})


@support_required
def account_request_detail(request, public_id):
    account_request = get_object_or_404(
        AccountRequest.objects.select_related("decided_by", "invitation"), public_id=public_id
    )
    allowed = invitable_experts(request.user)
    pending = account_request.status == AccountRequestStatus.PENDING
    action = request.POST.get("action") if request.method == "POST" else None
    if action and not pending:
        messages.warning(request, "Cette demande a déjà été traitée : rien n’a été modifié.")
        return redirect("conseillers_entreprises:advisor_account_request_detail", public_id=public_id)
    teams, checked, query = _teams(request, allowed)
    teams_form = TeamsForm(initial={"experts": checked, "expert_query": query}, teams=teams)
    refusal_form = RefusalForm()
    if action == "validate":
        teams_form = TeamsForm(request.POST, teams=teams)
        if teams_form.is_valid():
            try:
                invitation = validate_account_request(
                    account_request=account_request,
                    experts=list(teams_form.cleaned_data["experts"]),
                    author=request.user,
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, f"Demande validée : invitation envoyée à {invitation.email}.")
            return redirect("conseillers_entreprises:advisor_account_requests")
    elif action == "refuse":
        refusal_form = RefusalForm(request.POST)
        if refusal_form.is_valid():
            try:
                refuse_account_request(
                    account_request=account_request, reason=refusal_form.cleaned_data["reason"], author=request.user
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, f"Demande refusée : {account_request.email} en est informé(e).")
            return redirect("conseillers_entreprises:advisor_account_requests")
    return render(
        request,
        "conseillers_entreprises/advisors/account_request_detail.html",
        {
            "account_request": account_request,
            "pending": pending,
            "teams_form": teams_form,
            "refusal_form": refusal_form,
            "searched": query,
        },
    )
