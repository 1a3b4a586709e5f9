"""A person who erases their account leaves nothing of theirs behind, in any model of any app."""

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.accounts.enums import VerificationPurpose
from relais.accounts.models import EmailVerification, User
from relais.conseillers_entreprises.models import (
    Absence,
    AccountRequest,
    AdvisorInvitation,
    CompanyEmailSent,
    MatchStatusChange,
    NeedComment,
    NewsletterSubscription,
)
from relais.legal.models import TermsAcceptance, TermsVersion
from relais.notifications.services import queue_email
from relais.organizations.enums import AuditAction as AccessAction
from relais.organizations.models import AuditEvent, Invitation, Membership, Organization
from relais.privacy.enums import AuditAction
from relais.privacy.models import AuditEntry, IncidentReport
from relais.privacy.services.incidents import report_incident
from tests.accounts.factories import PASSWORD, UserFactory
from tests.conseillers_entreprises.factories import (
    DiagnosisFactory,
    ExpertFactory,
    MatchFactory,
    NeedFactory,
    SolicitationFactory,
)

pytestmark = pytest.mark.django_db

EMAIL = "berenice.valadier@exemple.fr"
NEEDLES = (EMAIL, "Valadier", "Bérénice", "611223344")
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def leftovers(needles=NEEDLES) -> list[str]:
    """Every row of every model whose text holds one of `needles`: what a search of the database would find."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if not isinstance(field, TEXT_FIELDS):
                continue
            for needle in needles:
                rows = model._base_manager.filter(**{f"{field.name}__icontains": needle})
                if rows.exists():
                    found.append(f"{model._meta.label}.{field.name} contient {needle!r}")
    return found


@pytest.fixture
def person(django_capture_on_commit_callbacks):
    """Bérénice uses every app: Portail account, company contact, advisor, newsletter, security report."""
    user = UserFactory(email=EMAIL, first_name="Bérénice", last_name="Valadier", phone="+33611223344")
    EmailVerification.objects.create(
        email=EMAIL,
        user=user,
        purpose=VerificationPurpose.EMAIL_CHANGE,
        code_hash="x",
        token_hash="y",
        expires_at=timezone.now(),
    )
    TOTPDevice.objects.create(user=user, name="Téléphone de Bérénice", confirmed=True)
    organization = Organization.objects.create(siren="552100554", name="ATELIER DU RHÔNE")
    Membership.objects.create(user=user, organization=organization)
    AuditEvent.objects.create(
        action=AccessAction.RIGHTS_CHANGED,
        organization=organization,
        actor=user,
        actor_label="Bérénice Valadier",
        target=user,
        target_label="Bérénice Valadier",
    )
    TermsAcceptance.objects.create(user=user, version=TermsVersion.objects.create(scope="portail", version="1"))
    # As the contact of a company that filed a request:
    solicitation = SolicitationFactory(email=EMAIL, first_name="Bérénice", last_name="Valadier", phone="0611223344")
    need = NeedFactory(diagnosis=DiagnosisFactory(solicitation=solicitation), content="Mme Valadier veut exporter.")
    CompanyEmailSent.objects.create(need=need, kind="being_handled", recipient=EMAIL)
    DiagnosisFactory(solicitation=None, contact_name="Bérénice Valadier", contact_email=EMAIL)
    NewsletterSubscription.objects.create(email=EMAIL, confirmed_at=timezone.now())
    # As an advisor:
    expert = ExpertFactory(users=[user])
    match = MatchFactory(need=NeedFactory(), expert=expert)
    MatchStatusChange.objects.create(match=match, from_status="quo", to_status="taking_care", author=user)
    NeedComment.objects.create(need=match.need, author=user, body="Je rappelle le dirigeant demain.")
    Absence.objects.create(user=user, starts_on="2025-08-01", ends_on="2025-08-15")
    AdvisorInvitation.objects.create(
        email=EMAIL, first_name="Bérénice", last_name="Valadier", token_hash="x", sent_at=timezone.now(),
        expires_at=timezone.now(), user=user,
    )  # fmt: skip
    AccountRequest.objects.create(
        first_name="Bérénice", last_name="Valadier", email=EMAIL, phone="0611223344", institution="CCI", message="…"
    )
    Invitation.objects.create(
        organization=organization, service_id=_service().pk, email=EMAIL, token_hash="h", expires_at=timezone.now()
    )
    # Traces: an email, an admin change about her, a security report, her sign-ins.
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(to=[EMAIL], template="accounts/emails/account_deleted", context={})
    LogEntry.objects.create(
        user=UserFactory(is_staff=True),
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        object_repr=str(user),
        action_flag=CHANGE,
    )
    report_incident(
        reporter=user,
        kind="disclosure",
        description="Courriel envoyé au mauvais destinataire.",
        occurred_at=None,
        personal_data_breach=True,
        submission_token="6c8a7c9e-1111-4a4a-9c9c-000000000001",
    )
    return user


def _service():
    from relais.organizations.models import DigitalService

    return DigitalService.objects.create(slug="essai", name="Service d’essai")


def test_the_delete_page_explains_what_is_deleted_anonymised_and_kept(client, person):
    client.force_login(person)
    content = client.get("/compte/supprimer/").content.decode()
    for text in ("Supprimé", "Anonymisé", "Conservé", "Vos demandes d’accompagnement", "Journal de sécurité"):
        assert text in content


def test_erasing_an_account_leaves_no_personal_field_behind(client, person, django_capture_on_commit_callbacks):
    client.force_login(person)
    assert AuditEntry.objects.filter(action=AuditAction.SIGN_IN, actor=person).exists()
    assert leftovers(), "the fixture must put the person's data in the database"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/compte/supprimer/", {"password": PASSWORD})
    assert response.status_code == 302

    assert leftovers() == []
    assert not User.objects.filter(pk=person.pk).exists()
    # What is kept for a legal obligation stays, under a pseudonym.
    assert AuditEntry.objects.filter(action=AuditAction.SIGN_IN).exists()
    assert IncidentReport.objects.get().reporter_label.startswith("Personne effacée")
    assert AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_ERASED).exists()
