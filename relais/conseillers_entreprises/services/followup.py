"""Follow-up of the needs sent to experts: support's reminder baskets and the periodic emails.

A need still waiting for an answer goes through three baskets as days pass since it was first sent (9, 21, then
45 days, as the public service); a need every team refused sits in the "refused" one. Support acts once per
basket (reminds the experts, writes to the company, or marks it done) and the need leaves that basket.

The periodic jobs write a row for each email they send, under a unique constraint, in the same transaction as
the outbox row: a job run twice, or two schedulers at once, never send the same email twice.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from relais.accounts.models import User
from relais.notifications.services import queue_email

from ..enums import CompanyEmailKind, MatchStatus, NeedStatus, ReminderActionKind, ReminderBasket
from ..models import CompanyEmailSent, Expert, ExpertDigest, Match, Need, ReminderAction
from .links import need_link_url, need_page_url
from .positioning import company_name

POKE_DAYS = 9
LAST_CHANCE_DAYS = 21
ABANDON_DAYS = 45
BEING_HANDLED_DAYS = 9
COMPANY_REPLY_SUBJECT = "Votre demande sur le Service Public Conseillers entreprises"
# Actions support may take from each basket.
REMINDABLE_BASKETS = (ReminderBasket.POKE, ReminderBasket.LAST_CHANCE, ReminderBasket.NOT_CONTACTED)
WRITABLE_BASKETS = (ReminderBasket.ABANDON, ReminderBasket.REFUSED, ReminderBasket.NOT_CONTACTED)


def first_sent_at():
    """When the need was first sent to an expert: the clock of every basket and company email."""
    return Subquery(
        Match.objects.filter(need=OuterRef("pk"), sent_at__isnull=False).order_by("sent_at").values("sent_at")[:1]
    )


def _handled_in(basket: str):
    return Exists(ReminderAction.objects.filter(need=OuterRef("pk"), basket=basket))


def basket_needs(basket: str, *, now: datetime | None = None) -> QuerySet[Need]:
    """The needs of a basket that support has not handled yet, annotated with `first_sent`."""
    now = now or timezone.now()
    needs = Need.objects.annotate(first_sent=first_sent_at()).exclude(_handled_in(basket))
    if basket == ReminderBasket.REFUSED:
        return needs.filter(status=NeedStatus.NOT_FOR_ME)
    if basket == ReminderBasket.NOT_CONTACTED:
        # Reported by the company on its follow-up page (services/company_followup.py).
        return needs.filter(not_contacted_at__isnull=False)
    needs = needs.filter(status=NeedStatus.QUO)
    if basket == ReminderBasket.POKE:
        return needs.filter(
            first_sent__lte=now - timedelta(days=POKE_DAYS), first_sent__gt=now - timedelta(days=LAST_CHANCE_DAYS)
        )
    if basket == ReminderBasket.LAST_CHANCE:
        return needs.filter(
            first_sent__lte=now - timedelta(days=LAST_CHANCE_DAYS), first_sent__gt=now - timedelta(days=ABANDON_DAYS)
        )
    if basket == ReminderBasket.ABANDON:
        return needs.filter(first_sent__lte=now - timedelta(days=ABANDON_DAYS))
    raise ValueError(f"Panier inconnu : {basket!r}")


def basket_counts(*, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {basket: basket_needs(basket, now=now).count() for basket in ReminderBasket.values}


def _lock_in_basket(need: Need, basket: str) -> Need:
    """Lock the need and check it still waits in the basket: a double click or a colleague acted already."""
    locked = (
        Need.objects.select_for_update(of=("self",))
        .select_related("subject", "diagnosis__solicitation", "diagnosis__establishment__company")
        .get(pk=need.pk)
    )
    if not basket_needs(basket).filter(pk=locked.pk).exists():
        raise ValidationError(f"Ce besoin n’est plus dans le panier « {ReminderBasket(basket).label} ».")
    return locked


def remind_experts(*, need: Need, basket: str, actor: User) -> ReminderAction:
    """Email the agents of every team that has not answered yet, each with a link that logs them in."""
    if basket not in REMINDABLE_BASKETS:
        raise ValidationError(
            "Les experts ne se relancent que depuis les paniers « Sans réponse », « Risque d’abandon » et "
            "« Entreprise non rappelée »."
        )
    with transaction.atomic():
        locked = _lock_in_basket(need, basket)
        # The company said nobody called it back: a team that took charge is reminded too.
        statuses = (
            [MatchStatus.QUO, MatchStatus.TAKING_CARE] if basket == ReminderBasket.NOT_CONTACTED else [MatchStatus.QUO]
        )
        waiting = list(
            locked.matches.filter(status__in=statuses)
            .select_related("expert__antenne")
            .prefetch_related("expert__users")
        )
        context = {
            "need": locked,
            "company_name": company_name(locked),
            "last_chance": basket == ReminderBasket.LAST_CHANCE,
            "not_contacted": basket == ReminderBasket.NOT_CONTACTED,
            "solicitation": locked.diagnosis.solicitation,
        }
        for match in waiting:
            for recipient, url in _team_recipients(match.expert, locked):
                queue_email(
                    to=[recipient],
                    template="conseillers_entreprises/emails/followup_expert_reminder",
                    context={**context, "expert": match.expert, "need_url": url},
                )
        return ReminderAction.objects.create(
            need=locked, basket=basket, action=ReminderActionKind.EXPERTS_REMINDED, author=actor
        )


def _team_recipients(expert: Expert, need: Need) -> list[tuple[str, str]]:
    """Each active agent with a link bound to them; the team's mailbox too, with a plain link, when no agent
    reads it (as services/triage does for the first notification)."""
    users = [user for user in expert.users.all() if user.email and user.is_active]
    recipients = [(user.email, need_link_url(need=need, user=user)) for user in users]
    if expert.email and expert.email.lower() not in {user.email.lower() for user in users}:
        recipients.append((expert.email, need_page_url(need=need)))
    return recipients


def mark_done(*, need: Need, basket: str, actor: User) -> ReminderAction:
    with transaction.atomic():
        locked = _lock_in_basket(need, basket)
        return ReminderAction.objects.create(
            need=locked, basket=basket, action=ReminderActionKind.MARKED_DONE, author=actor
        )


def company_reply_draft(need: Need) -> str:
    """The text support starts from when it writes to a company no expert could help (seed 001)."""
    return (
        f"Vous avez déposé une demande « {need.subject} » sur le Service Public Conseillers entreprises. "
        "Nous l’avons transmise aux conseillers compétents de votre territoire mais, malgré nos relances, aucun "
        "d’entre eux n’est en mesure d’y répondre aujourd’hui.\n\n"
        "Nous en sommes désolés. Vous pouvez déposer une nouvelle demande si votre besoin évolue, ou répondre à ce "
        "courriel : nous vous indiquerons les autres interlocuteurs qui peuvent vous aider."
    )


def write_to_company(*, need: Need, basket: str, actor: User, subject: str, body: str) -> ReminderAction:
    if basket not in WRITABLE_BASKETS:
        raise ValidationError(
            "On n’écrit à l’entreprise que depuis les paniers « Abandonnés », « Refusés » et "
            "« Entreprise non rappelée »."
        )
    with transaction.atomic():
        locked = _lock_in_basket(need, basket)
        solicitation = locked.diagnosis.solicitation
        if not (solicitation and solicitation.email):
            raise ValidationError("Cette demande n’a pas d’adresse électronique : contactez l’entreprise autrement.")
        queue_email(
            to=[solicitation.email],
            template="conseillers_entreprises/emails/followup_company_reply",
            context={"need": locked, "solicitation": solicitation, "email_subject": subject, "email_body": body},
        )
        return ReminderAction.objects.create(
            need=locked, basket=basket, action=ReminderActionKind.COMPANY_EMAILED, author=actor, message=body
        )


@dataclass(frozen=True)
class Sent:
    """One email a job sent (or would send with --dry-run), for its report."""

    recipient: str
    description: str


def company_email_candidates(kind: str) -> QuerySet[Need]:
    return (
        Need.objects.exclude(diagnosis__solicitation__email="")
        .filter(diagnosis__solicitation__isnull=False)
        .exclude(Exists(CompanyEmailSent.objects.filter(need=OuterRef("pk"), kind=kind)))
        .select_related("subject", "diagnosis__solicitation", "diagnosis__establishment__company")
        .annotate(first_sent=first_sent_at())
        .order_by("pk")
    )


def send_company_email(*, need: Need, kind: str, template: str, context: dict | None = None) -> bool:
    """Send this kind of email about the need unless it already went; True when it is sent now."""
    solicitation = need.diagnosis.solicitation
    try:
        with transaction.atomic():
            _record, created = CompanyEmailSent.objects.get_or_create(
                need=need, kind=kind, defaults={"recipient": solicitation.email}
            )
            if created:
                queue_email(
                    to=[solicitation.email],
                    template=template,
                    context={
                        "need": need,
                        "solicitation": solicitation,
                        "company_name": company_name(need),
                        **(context or {}),
                    },
                )
    except IntegrityError:
        # Another run recorded it between our read and our write.
        return False
    return created


def _run_company_job(needs, *, kind: str, template: str, dry_run: bool, label: str) -> list[Sent]:
    report = []
    for need in needs:
        email = need.diagnosis.solicitation.email
        if dry_run or send_company_email(need=need, kind=kind, template=template):
            report.append(Sent(email, f"{label} — {need.subject} ({need.public_id})"))
    return report


def send_being_handled_emails(*, now: datetime | None = None, dry_run: bool = False) -> list[Sent]:
    """Day 9: tell the company its request is still being handled when no expert has taken charge yet."""
    now = now or timezone.now()
    needs = company_email_candidates(CompanyEmailKind.BEING_HANDLED).filter(
        status=NeedStatus.QUO,
        first_sent__lte=now - timedelta(days=BEING_HANDLED_DAYS),
        # Past 45 days the company receives the failure email instead.
        first_sent__gt=now - timedelta(days=ABANDON_DAYS),
    )
    return _run_company_job(
        needs,
        kind=CompanyEmailKind.BEING_HANDLED,
        template="conseillers_entreprises/emails/followup_company_being_handled",
        dry_run=dry_run,
        label="Demande en cours de traitement",
    )


def send_abandoned_emails(*, now: datetime | None = None, dry_run: bool = False) -> list[Sent]:
    """Day 45: no expert took the need in charge; the company is told, unless support already wrote to it."""
    now = now or timezone.now()
    needs = (
        company_email_candidates(CompanyEmailKind.ABANDONED)
        .filter(status=NeedStatus.QUO, first_sent__lte=now - timedelta(days=ABANDON_DAYS))
        .exclude(_handled_in(ReminderBasket.ABANDON))
    )
    return _run_company_job(
        needs,
        kind=CompanyEmailKind.ABANDONED,
        template="conseillers_entreprises/emails/followup_company_abandoned",
        dry_run=dry_run,
        label="Échec de la demande",
    )


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def send_weekly_digests(*, now: datetime | None = None, dry_run: bool = False) -> list[Sent]:
    """To each team with needs waiting for its answer (sent less than 45 days ago), once a week."""
    now = now or timezone.now()
    week = week_of(timezone.localdate(now))
    pending = (
        Match.objects.filter(status=MatchStatus.QUO, sent_at__gt=now - timedelta(days=ABANDON_DAYS))
        .filter(expert__is_active=True)
        .exclude(Exists(ExpertDigest.objects.filter(expert=OuterRef("expert"), week=week)))
        .select_related("need__subject", "need__diagnosis__solicitation", "need__diagnosis__establishment__company")
        .order_by("sent_at", "pk")
    )
    needs_by_expert: dict[int, list[Need]] = defaultdict(list)
    for match in pending:
        needs_by_expert[match.expert_id].append(match.need)
    experts = Expert.objects.filter(pk__in=needs_by_expert).select_related("antenne").prefetch_related("users")
    report = []
    for expert in experts.order_by("pk"):
        needs = needs_by_expert[expert.pk]
        recipients = _digest_recipients(expert, needs)
        if not dry_run and not _send_digest(expert=expert, week=week, needs=needs, recipients=recipients):
            continue
        report.extend(
            Sent(email, f"Récapitulatif de {expert} : {len(needs)} besoin(s)") for email, _links in recipients
        )
    return report


def _digest_recipients(expert: Expert, needs: list[Need]) -> list[tuple[str, list[tuple[Need, str, str]]]]:
    by_recipient: dict[str, list[tuple[Need, str, str]]] = defaultdict(list)
    for need in needs:
        for email, url in _team_recipients(expert, need):
            by_recipient[email].append((need, company_name(need), url))
    return list(by_recipient.items())


def _send_digest(*, expert: Expert, week: date, needs: list[Need], recipients) -> bool:
    try:
        with transaction.atomic():
            _digest, created = ExpertDigest.objects.get_or_create(
                expert=expert, week=week, defaults={"needs_count": len(needs)}
            )
            if not created:
                return False
            for email, need_links in recipients:
                queue_email(
                    to=[email],
                    template="conseillers_entreprises/emails/followup_expert_digest",
                    context={"expert": expert, "need_links": need_links},
                )
    except IntegrityError:
        return False
    return True
