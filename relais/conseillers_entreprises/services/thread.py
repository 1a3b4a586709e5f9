"""The discussion thread of a need, shared by the experts notified of it and the support team."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from relais.accounts.models import User
from relais.notifications.services import queue_email

from ..enums import MatchStatus
from ..models import Need, NeedComment
from .links import need_link_url, need_page_url
from .positioning import company_name

# A second identical message this soon after the first is a double click, not something said twice.
DOUBLE_SUBMIT_WINDOW = timedelta(seconds=30)


def post_comment(*, need: Need, actor: User, body: str, addressed_to_support: bool = False) -> NeedComment:
    """Add a comment and email it to the other agents of the teams still on the need (and support if asked)."""
    body = body.strip()
    if not body:
        raise ValidationError("Écrivez un message.")
    with transaction.atomic():
        locked = Need.objects.select_for_update(of=("self",)).get(pk=need.pk)
        previous = locked.comments.filter(author=actor).order_by("-created_at", "-pk").first()
        if previous and previous.body == body and timezone.now() - previous.created_at < DOUBLE_SUBMIT_WINDOW:
            return previous
        comment = NeedComment.objects.create(
            need=locked, author=actor, body=body, addressed_to_support=addressed_to_support
        )
        _notify(need=need, comment=comment)
    return comment


def comment_recipients(*, need: Need, actor: User) -> list:
    """Agents of the teams that did not refuse the need, and the advisor who detected it in an "Analyse", without
    the author: a refused team left the discussion. For a request filed by the company, the advisor is the support
    agent who transmitted it: support joins the thread only when a comment is addressed to it."""
    candidates = [
        user
        for match in need.matches.exclude(status=MatchStatus.NOT_FOR_ME).prefetch_related("expert__users")
        for user in match.expert.users.all()
    ]
    if need.diagnosis.advisor is not None and need.diagnosis.solicitation_id is None:
        candidates.append(need.diagnosis.advisor)
    users = {user.pk: user for user in candidates if user.is_active and user.email and user.pk != actor.pk}
    return sorted(users.values(), key=lambda user: user.email)


def _notify(*, need: Need, comment: NeedComment) -> None:
    context = {"need": need, "comment": comment, "author": comment.author, "company_name": company_name(need)}
    template = "conseillers_entreprises/emails/workspace_comment"
    for user in comment_recipients(need=need, actor=comment.author):
        queue_email(
            to=[user.email], template=template, context={**context, "need_url": need_link_url(need=need, user=user)}
        )
    if comment.addressed_to_support:
        queue_email(
            to=[settings.SUPPORT_EMAIL], template=template, context={**context, "need_url": need_page_url(need=need)}
        )
