"""The page of a need shared by its experts, their managers and support; positions, thread and signed links."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from relais.accounts.services import two_factor_required
from relais.privacy.enums import AuditAction
from relais.privacy.services.audit import record

from ..enums import MatchStatus
from ..forms.workspace import CommentForm, PositioningForm
from ..models import Match, MatchStatusChange, Need, NeedComment
from ..permissions import is_support
from ..services.links import user_from_need_link
from ..services.positioning import allowed_next_statuses, close, refuse, reopen, take_charge
from ..services.thread import post_comment

INVALID_LINK_MESSAGE = "Ce lien a expiré ou ne vous est pas destiné : connectez-vous pour voir ce besoin."
SECOND_FACTOR_MESSAGE = "Votre compte est protégé par une double authentification : connectez-vous pour voir ce besoin."


def needs_visible_to(user):
    """Needs the user may see: support sees all; an agent those sent to their team or to a team of an antenne
    they manage, and the advisor who detected them (an "Analyse") follows them. Anyone else gets a 404, which
    does not even tell that the need exists."""
    if is_support(user):
        return Need.objects.all()
    involved = Match.objects.filter(need=OuterRef("pk")).filter(
        Q(expert__users=user) | Q(expert__antenne__managers=user)
    )
    return Need.objects.filter(Q(Exists(involved)) | Q(diagnosis__advisor=user))


def need_detail(request, public_id):
    need = _get_visible_need(request.user, public_id)
    record(action=AuditAction.CONTACT_DETAILS_VIEWED, request=request, target=need)
    return _render_need(request, need, comment_form=CommentForm())


@require_POST
def comment(request, public_id):
    need = _get_visible_need(request.user, public_id)
    if not _may_comment(request.user, need):
        raise PermissionDenied
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            post_comment(
                need=need,
                author=request.user,
                body=form.cleaned_data["body"],
                addressed_to_support=form.cleaned_data["addressed_to_support"],
            )
        except ValidationError as error:
            form.add_error("body", error)
        else:
            messages.success(request, "Votre message est publié.")
            return redirect(reverse("conseillers_entreprises:need", kwargs={"public_id": need.public_id}) + "#fil")
    return _render_need(request, need, comment_form=form)


@require_POST
def position(request, public_id):
    # Only the agents of the team may speak for it; managers and support read the need but never position.
    match = get_object_or_404(Match.objects.select_related("need"), public_id=public_id, expert__users=request.user)
    need_url = reverse("conseillers_entreprises:need", kwargs={"public_id": match.need.public_id})
    form = PositioningForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(need_url)
    action = form.cleaned_data["action"]
    try:
        if action == PositioningForm.TAKE_CHARGE:
            take_charge(match=match, author=request.user)
        elif action == PositioningForm.REFUSE:
            refuse(match=match, author=request.user, reason=form.cleaned_data["reason"])
        elif action == PositioningForm.CLOSE:
            close(match=match, author=request.user, outcome=form.cleaned_data["outcome"])
        else:
            reopen(match=match, author=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, f"Votre réponse est enregistrée : {match.get_status_display()}.")
    return redirect(need_url)


@login_not_required
def need_link(request, public_id, token):
    need_url = reverse("conseillers_entreprises:need", kwargs={"public_id": public_id})
    user = user_from_need_link(need_public_id=public_id, token=token)
    if user is not None and not needs_visible_to(user).filter(public_id=public_id).exists():
        # Sent when the agent was in the team; they have left it since, so the link must open nothing.
        user = None
    current = request.user
    if user is None or (current.is_authenticated and current.pk != user.pk):
        messages.warning(request, INVALID_LINK_MESSAGE)
        return redirect_to_login(need_url)
    if current.is_authenticated:
        return redirect(need_url)
    if two_factor_required(user=user):
        # A link in a mailbox is one factor at most: accounts that must use a second one log in normally.
        messages.info(request, SECOND_FACTOR_MESSAGE)
        return redirect_to_login(need_url)
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    return redirect(need_url)


def _get_visible_need(user, public_id) -> Need:
    queryset = needs_visible_to(user).select_related(
        "subject", "diagnosis__solicitation", "diagnosis__establishment__company", "diagnosis__advisor"
    )
    try:
        return queryset.get(public_id=public_id)
    except Need.DoesNotExist:
        raise Http404 from None


def _may_comment(user, need: Need) -> bool:
    return is_support(user) or need.diagnosis.advisor_id == user.pk or need.matches.filter(expert__users=user).exists()


def _render_need(request, need: Need, *, comment_form: CommentForm):
    user = request.user
    matches = list(
        need.matches.select_related("expert__antenne__institution").order_by(
            "expert__antenne__institution__name", "expert__name"
        )
    )
    own_expert_pks = set(user.experts.values_list("pk", flat=True))
    own_matches = [_positioning_choices(match) for match in matches if match.expert_id in own_expert_pks]
    solicitation = need.diagnosis.solicitation
    answers = (
        list(solicitation.answers.select_related("question").order_by("question__position", "question__pk"))
        if solicitation
        else []
    )
    changes = list(
        MatchStatusChange.objects.filter(match__need=need)
        .select_related("author", "match__expert")
        .order_by("-created_at", "-pk")
    )
    comments = list(NeedComment.objects.filter(need=need).select_related("author"))
    establishment = need.diagnosis.establishment
    context = {
        "need": need,
        "diagnosis": need.diagnosis,
        "solicitation": solicitation,
        "establishment": establishment,
        "company": establishment.company if establishment else None,
        "answers": answers,
        "matches": matches,
        "own_matches": own_matches,
        "changes": changes,
        "comments": comments,
        "comment_form": comment_form,
        "may_comment": is_support(user) or bool(own_matches),
    }
    return render(request, "conseillers_entreprises/workspace/need.html", context)


def _positioning_choices(match: Match) -> dict:
    """The buttons the team's agent gets for this match: exactly the transitions allowed from its status."""
    allowed = allowed_next_statuses(match.status)
    return {
        "match": match,
        "can_take_charge": MatchStatus.TAKING_CARE in allowed,
        "can_refuse": MatchStatus.NOT_FOR_ME in allowed,
        "can_close": MatchStatus.DONE in allowed,
        "can_reopen": MatchStatus.QUO in allowed,
        # Several teams of one agent may share a need: each form needs its own ids.
        "form": PositioningForm(auto_id=f"id_%s_{match.public_id}"),
    }
