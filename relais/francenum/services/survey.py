"""The annual questionnaire (seed 002 art. 4): a campaign, a signed link per member, one answer each."""

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from relais.notifications.services import queue_email

from ..enums import MemberStatus, Status
from ..models import ActivatorMember, SurveyCampaign, SurveyResponse

_SALT = "relais.francenum.survey"


class InvalidSurveyLink(Exception):
    pass


def survey_token(*, campaign: SurveyCampaign, member: ActivatorMember) -> str:
    return signing.dumps({"s": str(campaign.public_id), "m": str(member.public_id)}, salt=_SALT, compress=True)


def read_survey_token(token: str) -> tuple[SurveyCampaign, ActivatorMember]:
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        raise InvalidSurveyLink("Ce lien n'est pas valable. Copiez-le en entier depuis le courriel reçu.") from None
    campaign = SurveyCampaign.objects.filter(public_id=data.get("s")).first()
    member = ActivatorMember.objects.select_related("activator__region").filter(public_id=data.get("m")).first()
    if campaign is None or member is None:
        raise InvalidSurveyLink("Ce questionnaire n'existe plus.")
    return campaign, member


def open_campaign(*, title: str, opens_on, closes_on, actor) -> SurveyCampaign:
    if closes_on < opens_on:
        raise ValidationError("La date de clôture doit suivre la date d'ouverture.")
    members = ActivatorMember.objects.filter(
        status=MemberStatus.ACTIVE, activator__status=Status.VALIDATED
    ).select_related("user", "activator")
    with transaction.atomic():
        campaign = SurveyCampaign.objects.create(title=title, opens_on=opens_on, closes_on=closes_on, created_by=actor)
        count = 0
        for member in members.iterator():
            queue_email(
                to=[member.user.email],
                template="francenum/emails/survey",
                context={
                    "campaign": campaign,
                    "activator": member.activator,
                    "path": reverse("activateurs:survey", args=[survey_token(campaign=campaign, member=member)]),
                },
            )
            count += 1
        SurveyCampaign.objects.filter(pk=campaign.pk).update(invited_count=count)
    campaign.refresh_from_db()
    return campaign


def is_open(campaign: SurveyCampaign) -> bool:
    return campaign.opens_on <= timezone.localdate() <= campaign.closes_on


def answer(*, campaign: SurveyCampaign, member: ActivatorMember, data: dict) -> SurveyResponse:
    if not is_open(campaign):
        raise ValidationError("Ce questionnaire est clos.")
    try:
        with transaction.atomic():
            return SurveyResponse.objects.create(
                campaign=campaign,
                member=member,
                activator_kind=member.activator.kind,
                region_name=member.activator.region.name if member.activator.region_id else "",
                **data,
            )
    except IntegrityError:
        raise ValidationError("Vous avez déjà répondu à ce questionnaire. Merci !") from None


def has_answered(*, campaign: SurveyCampaign, member: ActivatorMember) -> bool:
    return SurveyResponse.objects.filter(campaign=campaign, member=member).exists()
