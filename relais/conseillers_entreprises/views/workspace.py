"""The page of a need shared by its experts, their managers and support; positions, thread and signed links."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from relais.accounts.services import has_two_factor, two_factor_required
from relais.legal.middleware import scopes_for_path
from relais.legal.services import pending_terms
from relais.privacy.enums import AuditAction
from relais.privacy.services.audit import record

from ..enums import MatchStatus
from ..forms.workspace import CommentForm, PositioningForm
from ..models import Match, MatchStatusChange, Need, NeedComment
from ..permissions import is_support, may_comment
from ..services.links import grant_need_access, user_from_grant, user_from_need_link
from ..services.positioning import allowed_next_statuses, close, refuse, reopen, take_charge
from ..services.thread import post_comment

INVALID_LINK_MESSAGE = (
    "Ce lien n'est plus valable (il a expiré, ou votre mot de passe ou votre compte a changé depuis son envoi) : "
    "connectez-vous pour voir ce besoin."
)
SECOND_FACTOR_MESSAGE = "Votre compte est protégé par une double authentification : connectez-vous pour voir ce besoin."
SCOPED_ACCESS_MESSAGE = (
    "Vous consultez ce besoin grâce au lien reçu par courriel. Pour accéder au reste de votre espace, connectez-vous."
)


def with_need_link_access(view=None, *, need_of=None):
    """Let a browser that opened this need's secure link act on it as the link's recipient, on this need only.

    `need_of(public_id)` names the need a URL is about when its identifier is another object's (a match). The person
    is never signed in: request.user is theirs for this one request, so that the view's own checks (visibility,
    team membership) apply to them unchanged.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(request, public_id, *args, **kwargs):
            if not request.user.is_authenticated:
                need_public_id = need_of(public_id) if need_of else public_id
                user = need_public_id and user_from_grant(session=request.session, need_public_id=need_public_id)
                if not user or _has_terms_to_accept(request, user):
                    return redirect_to_login(request.get_full_path())
                request.user = user
            return view(request, public_id, *args, **kwargs)

        return login_not_required(wrapper)

    return decorate(view) if view is not None else decorate


def _has_terms_to_accept(request, user) -> bool:
    # Terms are accepted on their page, which asks for a sign-in: a link cannot go around them.
    return bool(pending_terms(user=user, scopes=scopes_for_path(request.path)))


def _need_of_match(public_id):
    return Match.objects.filter(public_id=public_id).values_list("need__public_id", flat=True).first()


@with_need_link_access
def need_detail(request, public_id):
    need = _get_visible_need(request.user, public_id)
    record(action=AuditAction.CONTACT_DETAILS_VIEWED, request=request, target=need)
    return _render_need(request, need, comment_form=CommentForm())


@with_need_link_access
@require_POST
def comment(request, public_id):
    need = _get_visible_need(request.user, public_id)
    if not may_comment(request.user, need):
        raise PermissionDenied
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            post_comment(
                need=need,
                actor=request.user,
                body=form.cleaned_data["body"],
                addressed_to_support=form.cleaned_data["addressed_to_support"],
            )
        except ValidationError as error:
            form.add_error("body", error)
        else:
            messages.success(request, "Votre message est publié.")
            return redirect(reverse("conseillers_entreprises:need", kwargs={"public_id": need.public_id}) + "#fil")
    return _render_need(request, need, comment_form=form)


@with_need_link_access(need_of=_need_of_match)
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
            take_charge(match=match, actor=request.user)
        elif action == PositioningForm.REFUSE:
            refuse(match=match, actor=request.user, reason=form.cleaned_data["reason"])
        elif action == PositioningForm.CLOSE:
            close(match=match, actor=request.user, outcome=form.cleaned_data["outcome"])
        else:
            reopen(match=match, actor=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, f"Votre réponse est enregistrée : {match.get_status_display()}.")
    return redirect(need_url)


@login_not_required
def need_link(request, public_id, token):
    """The secure link of an email: opens this need to its recipient, without signing them in."""
    need_url = reverse("conseillers_entreprises:need", kwargs={"public_id": public_id})
    recipient = user_from_need_link(need_public_id=public_id, token=token)
    if recipient is not None and not Need.objects.visible_to(recipient).filter(public_id=public_id).exists():
        # Sent when the agent was in the team; they have left it since, so the link must open nothing.
        recipient = None
    current = request.user
    if current.is_authenticated:
        if Need.objects.visible_to(current).filter(public_id=public_id).exists():
            return redirect(need_url)
        # Signed in as someone else (a colleague's forwarded email, a shared computer): say so, rather than a 404.
        context = {"recipient": recipient, "need_url": need_url}
        return render(request, "conseillers_entreprises/workspace/need_link_refused.html", context, status=403)
    if recipient is None:
        messages.warning(request, INVALID_LINK_MESSAGE)
        return redirect_to_login(need_url)
    if two_factor_required(user=recipient) or has_two_factor(user=recipient):
        # A link in a mailbox is one factor at most: accounts with a second one sign in normally.
        messages.info(request, SECOND_FACTOR_MESSAGE)
        return redirect_to_login(need_url)
    # A new session key for the access the link gives, as for a sign-in.
    request.session.cycle_key()
    grant_need_access(session=request.session, need_public_id=public_id, user=recipient)
    messages.info(request, SCOPED_ACCESS_MESSAGE)
    return redirect(need_url)


def _get_visible_need(user, public_id) -> Need:
    queryset = Need.objects.visible_to(user).select_related(
        "subject", "diagnosis__solicitation", "diagnosis__establishment__company", "diagnosis__advisor"
    )
    try:
        return queryset.get(public_id=public_id)
    except Need.DoesNotExist:
        raise Http404 from None


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
