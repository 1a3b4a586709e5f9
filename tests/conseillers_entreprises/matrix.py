"""The Conseillers-Entreprises objects of the permission matrix (tests/test_permission_matrix.py): antenne A's."""

import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from relais.conseillers_entreprises.enums import ExportStatus, SolicitationStatus
from relais.conseillers_entreprises.models import (
    Absence,
    AccountRequest,
    ExportJob,
    Landing,
    NewsletterSubscription,
    SatisfactionAnswer,
    Subject,
)
from relais.conseillers_entreprises.services.advisors import invite_advisor
from relais.conseillers_entreprises.services.company_followup import followup_url
from relais.conseillers_entreprises.services.links import need_link_url
from relais.conseillers_entreprises.services.satisfaction import satisfaction_url
from relais.conseillers_entreprises.taxonomy import import_taxonomy
from relais.core.access import Role
from relais.territories.models import Department, Region

from .factories import DiagnosisFactory, MatchFactory, NeedFactory, SolicitationFactory


def targets(world) -> dict[str, dict]:
    import_taxonomy()
    landing = Landing.objects.get(slug="accueil")
    subject = Subject.objects.filter(slug="recruter").select_related("theme").get()
    users = world.users
    solicitation = SolicitationFactory(subject=subject, landing=landing)
    draft = SolicitationFactory(subject=subject, landing=landing, status=SolicitationStatus.DRAFT, submitted_at=None)
    need = NeedFactory(diagnosis=DiagnosisFactory(solicitation=solicitation), subject=subject)
    match = MatchFactory(need=need, expert=world.objects["team_a"])
    answer = SatisfactionAnswer.objects.create(need=need, called_back=True, useful=True)
    absence = Absence.objects.create(
        user=users[Role.AGENT],
        starts_on=datetime.date.today(),
        ends_on=datetime.date.today() + datetime.timedelta(days=3),
    )
    invitation = invite_advisor(
        email="nouvel.agent@antenne-a.fr", experts=[world.objects["team_a"]], invited_by=users[Role.ANTENNE_MANAGER]
    )
    account_request = AccountRequest.objects.create(
        first_name="Noa", last_name="Agent", email="noa@cci.fr", institution="CCI", message="Bonjour"
    )
    department = Department.objects.create(
        insee_code="69", name="Rhône", region=Region.objects.create(insee_code="84", name="Auvergne-Rhône-Alpes")
    )
    subscription = NewsletterSubscription.objects.create(email="lecteur@exemple.fr")
    export_job = ExportJob.objects.create(
        requested_by=users[Role.ANTENNE_MANAGER],
        name="besoins",
        extension="csv",
        status=ExportStatus.DONE,
        expires_at=timezone.now() + datetime.timedelta(hours=24),
    )
    export_job.file.save("besoins.csv", ContentFile(b"sujet;statut\r\n"))
    return {
        "ce.landing": {"landing_slug": landing.slug},
        "ce.theme": {"landing_slug": landing.slug, "theme_slug": subject.theme.slug},
        "ce.subject": {"landing_slug": landing.slug, "subject_slug": subject.slug},
        "ce.draft": {"public_id": draft.public_id},
        "ce.solicitation": {"public_id": solicitation.public_id},
        "ce.subscription": {"public_id": subscription.public_id},
        "ce.survey": {"token": satisfaction_url(need=need).rstrip("/").rsplit("/", 1)[1]},
        "ce.need": {"public_id": need.public_id},
        "ce.need_link": {
            "public_id": need.public_id,
            "token": need_link_url(need=need, user=users[Role.AGENT])
            .removeprefix(settings.SITE_URL)
            .rstrip("/")
            .rsplit("/", 1)[1],
        },
        "ce.match": {"public_id": match.public_id},
        "ce.satisfaction_answer": {"public_id": answer.public_id},
        "ce.antenne": {"public_id": world.objects["antenne_a"].public_id},
        "ce.absence": {"public_id": world.objects["antenne_a"].public_id, "absence_id": absence.public_id},
        "ce.advisor_invitation": {"public_id": invitation.public_id},
        # The link's token is only in the email: this one is wrong, and the page says so to anyone.
        "ce.advisor_invitation_link": {"public_id": invitation.public_id, "token": "jeton-inconnu"},
        "ce.account_request": {"public_id": account_request.public_id},
        "ce.coverage_department": {"subject_slug": subject.slug, "department_code": department.insee_code},
        "ce.export": {"name": "besoins", "extension": "csv"},
        "ce.export_job": {"public_id": export_job.public_id},
        "ce.company_followup": {"token": followup_url(solicitation=solicitation).rstrip("/").rsplit("/", 1)[1]},
    }
