"""Each retention rule, with time travel on both sides of the end of its period."""

import dataclasses
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from relais.accounts.enums import VerificationPurpose
from relais.accounts.models import EmailVerification, User
from relais.api.enums import PartnerKind
from relais.api.models import IdempotencyRecord, Partner
from relais.conseillers_entreprises.models import (
    AccountRequest,
    AdvisorInvitation,
    Diagnosis,
    NewsletterSubscription,
    Solicitation,
)
from relais.notifications.enums import EmailStatus
from relais.notifications.models import Email
from relais.organizations.enums import AuditAction as AccessAction
from relais.organizations.models import AuditEvent, Organization
from relais.privacy.enums import AuditAction, IncidentStatus, RequestStatus
from relais.privacy.models import AuditEntry, DataRightsRequest, IncidentReport, RetentionRun
from relais.privacy.registry import registry
from relais.privacy.services.audit import record
from relais.privacy.services.retention import apply_rule
from tests.accounts.factories import UserFactory
from tests.conseiller_numerique import retention as cn
from tests.conseillers_entreprises.factories import (
    DiagnosisFactory,
    ExpertFactory,
    NeedFactory,
    SolicitationFactory,
)
from tests.francenum import retention_cases as francenum
from tests.privacy.test_erasure import leftovers

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
T0 = datetime(2022, 3, 15, 10, 0, tzinfo=PARIS)
MINUTE = timedelta(minutes=1)


def _gone(obj) -> bool:
    return not type(obj).objects.filter(pk=obj.pk).exists()


def _anonymised(obj) -> bool:
    return type(obj).objects.get(pk=obj.pk).anonymised_at is not None


def make_abandoned_signup():
    return UserFactory(signup_completed_at=None)


def make_verification():
    return EmailVerification.objects.create(
        email="code@exemple.fr",
        purpose=VerificationPurpose.SIGNUP,
        code_hash="x",
        token_hash="y",
        expires_at=timezone.now(),
    )


def make_sent_email():
    return Email.objects.create(to=["a@exemple.fr"], subject="Essai", status=EmailStatus.SENT, sent_at=timezone.now())


def make_access_event():
    organization = Organization.objects.create(siren="552100554", name="ESSAI")
    return AuditEvent.objects.create(action=AccessAction.RIGHTS_CHANGED, organization=organization)


def make_need():
    return NeedFactory(
        diagnosis=DiagnosisFactory(solicitation=SolicitationFactory(submitted_at=timezone.now()))
    ).diagnosis


def make_lone_solicitation():
    return SolicitationFactory(submitted_at=timezone.now())


def make_invitation():
    return AdvisorInvitation.objects.create(
        email="invite@cci.fr", token_hash="x", sent_at=timezone.now(), expires_at=timezone.now() + timedelta(days=30)
    )


def make_account_request():
    return AccountRequest.objects.create(
        first_name="Léa", last_name="Lenoir", email="lea@cci.fr", institution="CCI", message="Conseillère"
    )


def make_unsubscribed():
    return NewsletterSubscription.objects.create(email="parti@exemple.fr", unsubscribed_at=timezone.now())


def make_pending_subscription():
    return NewsletterSubscription.objects.create(email="attente@exemple.fr")


def make_audit_entry():
    return record(action=AuditAction.SIGN_IN_FAILED, target_label="x@exemple.fr")


def make_admin_log_entry():
    user = UserFactory()
    return LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        object_repr=str(user),
        action_flag=ADDITION,
    )


def make_closed_request():
    return DataRightsRequest.objects.create(
        reference="DR-TEST-1",
        right="access",
        service="plateforme",
        name="Léa",
        email="lea@exemple.fr",
        details="Copie",
        status=RequestStatus.ANSWERED,
        closed_at=timezone.now(),
    )


def make_idempotency_record():
    partner = Partner.objects.create(name="Partenaire", kind=PartnerKind.AUTHORISED_BODY)
    return IdempotencyRecord.objects.create(
        partner=partner, key="commande-42", fingerprint="0" * 64, solicitation=SolicitationFactory()
    )


def make_closed_incident():
    return IncidentReport.objects.create(
        reference="INC-TEST-1",
        kind="other",
        description="Essai",
        status=IncidentStatus.CLOSED,
        closed_at=timezone.now(),
    )


# rule name → (what starts its period now, whether the rule dealt with it)
CASES = {
    "portail-inscriptions-abandonnees": (make_abandoned_signup, _gone),
    "portail-codes-de-verification": (make_verification, _gone),
    "courriels-envoyes": (make_sent_email, _gone),
    "portail-journal-des-acces": (make_access_event, _gone),
    "ce-entreprises": (make_need, _anonymised),
    "ce-demandes-non-transmises": (make_lone_solicitation, _anonymised),
    "ce-invitations-conseillers": (make_invitation, _gone),
    "ce-demandes-de-compte": (make_account_request, _gone),
    "ce-lettre-desinscriptions": (make_unsubscribed, _gone),
    "ce-lettre-non-confirmees": (make_pending_subscription, _gone),
    "journal-audit": (make_audit_entry, _gone),
    "journal-administration": (make_admin_log_entry, _gone),
    "demandes-droits": (make_closed_request, _gone),
    "incidents": (make_closed_incident, _gone),
    "api-cles-idempotence": (make_idempotency_record, _gone),
    **francenum.CASES,
    "cn-candidatures-non-confirmees": (cn.make_unconfirmed_candidate, _gone),
    "cn-structures-non-confirmees": (cn.make_unconfirmed_structure, _gone),
    "cn-cv": (cn.make_candidate_with_cv, cn.cv_dropped),
    "cn-candidats": (cn.make_confirmed_candidate, _gone),
    "cn-contacts-des-structures": (cn.make_confirmed_structure, cn.contact_removed),
}
# The rules that warn before acting have their own tests (below, and in tests/francenum).
WARNING_RULES = {"ce-comptes-conseillers", *francenum.WARNING_RULES}


def test_every_rule_has_a_boundary_test():
    assert set(CASES) | WARNING_RULES == set(registry.rules), "une règle du registre n’a pas de test de bornes"


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_acts_only_once_its_period_is_over(name):
    rule = registry.rules[name]
    make, processed = CASES[name]
    with time_machine.travel(T0, tick=False):
        obj = make()
    end = rule.duration.after(T0)
    with time_machine.travel(end - MINUTE, tick=False):
        assert apply_rule(rule, wet_run=True).processed == 0
    assert not processed(obj)
    with time_machine.travel(end + MINUTE, tick=False):
        outcome = apply_rule(rule, wet_run=True)
    assert outcome.processed >= 1
    assert processed(obj)


def test_a_dry_run_counts_and_changes_nothing(capsys):
    with time_machine.travel(T0, tick=False):
        email = make_sent_email()
    with time_machine.travel(T0 + timedelta(days=31), tick=False):
        call_command("apply_retention", "--rule", "courriels-envoyes")
    output = capsys.readouterr().out
    assert "Essai à blanc" in output
    assert "courriels-envoyes (30 jours) : 1 ligne(s) seraient supprimées ; plus ancienne : 15/03/2022" in output
    assert not _gone(email)
    assert not RetentionRun.objects.exists()


def test_a_wet_run_is_recorded_for_the_admin(capsys):
    with time_machine.travel(T0, tick=False):
        make_sent_email()
    with time_machine.travel(T0 + timedelta(days=31), tick=False):
        call_command("apply_retention", "--rule", "courriels-envoyes", "--wet-run")
    assert "1 ligne(s) supprimées" in capsys.readouterr().out
    run = RetentionRun.objects.get()
    assert (run.rule, run.due, run.processed) == ("courriels-envoyes", 1, 1)
    assert AuditEntry.objects.filter(action=AuditAction.RETENTION_APPLIED).exists()


def test_unknown_rule_is_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Règle inconnue"):
        call_command("apply_retention", "--rule", "nope")


def test_rules_work_in_batches_and_resume_after_an_interruption():
    rule = dataclasses.replace(registry.rules["ce-demandes-non-transmises"], batch_size=2)
    with time_machine.travel(T0, tick=False):
        solicitations = [make_lone_solicitation() for _ in range(5)]
    calls = []

    def failing(ids):
        calls.append(ids)
        if len(calls) == 2:
            raise RuntimeError("coupure")
        return rule.apply(ids)

    with time_machine.travel(T0 + timedelta(days=3 * 366), tick=False):
        with pytest.raises(RuntimeError):
            apply_rule(dataclasses.replace(rule, apply=failing), wet_run=True)
        assert sum(_anonymised(s) for s in solicitations) == 2
        assert RetentionRun.objects.get().error
        outcome = apply_rule(rule, wet_run=True)
    assert outcome.processed == 3
    assert outcome.batches == 2
    assert all(_anonymised(s) for s in solicitations)


# Conseillers-Entreprises: the company's last use --------------------------------------------------------------


def test_a_company_that_came_back_keeps_its_older_requests():
    with time_machine.travel(T0, tick=False):
        old = make_need()
    with time_machine.travel(T0 + timedelta(days=700), tick=False):
        DiagnosisFactory(
            establishment=old.establishment, solicitation=SolicitationFactory(email=old.solicitation.email)
        )
    with time_machine.travel(T0 + timedelta(days=3 * 366), tick=False):
        apply_rule(registry.rules["ce-entreprises"], wet_run=True)
    assert not _anonymised(old)


def test_a_recent_exchange_on_a_need_keeps_the_company():
    from relais.conseillers_entreprises.models import NeedComment

    with time_machine.travel(T0, tick=False):
        diagnosis = make_need()
    with time_machine.travel(T0 + timedelta(days=600), tick=False):
        NeedComment.objects.create(need=diagnosis.needs.get(), author=UserFactory(), body="Rappel fait.")
    with time_machine.travel(T0 + timedelta(days=3 * 366), tick=False):
        apply_rule(registry.rules["ce-entreprises"], wet_run=True)
    assert not _anonymised(diagnosis)
    with time_machine.travel(T0 + timedelta(days=600 + 3 * 366), tick=False):
        apply_rule(registry.rules["ce-entreprises"], wet_run=True)
    assert _anonymised(diagnosis)


def test_anonymisation_erases_the_contact_and_the_thread_and_keeps_the_statistics():
    from relais.conseillers_entreprises.enums import MatchStatus
    from relais.conseillers_entreprises.models import MatchStatusChange, NeedComment, SatisfactionAnswer
    from tests.conseillers_entreprises.factories import MatchFactory

    with time_machine.travel(T0, tick=False):
        diagnosis = make_need()
        need = diagnosis.needs.get()
        need.content = "Recruter Jean Dupont, fils du gérant."
        need.save()
        match = MatchFactory(need=need, expert=ExpertFactory(), sent_at=timezone.now(), status=MatchStatus.DONE)
        MatchStatusChange.objects.create(
            match=match, from_status=MatchStatus.QUO, to_status=MatchStatus.DONE, reason="Vu M. Dupont"
        )
        NeedComment.objects.create(need=need, body="Le gérant est malade.")
        SatisfactionAnswer.objects.create(need=need, called_back=True, useful=True, comment="Merci à Jean")
    subject_id, establishment_id, status = need.subject_id, diagnosis.establishment_id, need.status
    with time_machine.travel(T0 + timedelta(days=3 * 366), tick=False):
        apply_rule(registry.rules["ce-entreprises"], wet_run=True)
    diagnosis.refresh_from_db()
    need.refresh_from_db()
    solicitation = Solicitation.objects.get(pk=diagnosis.solicitation_id)
    assert (solicitation.first_name, solicitation.last_name, solicitation.email, solicitation.phone) == ("",) * 4
    assert solicitation.description == "" and need.content == ""
    assert not NeedComment.objects.filter(need=need).exists()
    assert MatchStatusChange.objects.get(match=match).reason == ""
    answer = SatisfactionAnswer.objects.get(need=need)
    assert (answer.comment, answer.called_back, answer.useful) == ("", True, True)
    assert (need.subject_id, diagnosis.establishment_id, need.status) == (subject_id, establishment_id, status)
    assert Diagnosis.objects.get(pk=diagnosis.pk).created_at == T0


# Advisors' accounts: warned 30 days before, then closed ---------------------------------------------------------


@pytest.fixture
def advisor():
    with time_machine.travel(T0, tick=False):
        user = UserFactory(email="agent.ancien@cci.fr", first_name="Alain", last_name="Ancien", phone="+33698765432")
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())
        ExpertFactory(users=[user])
    return user


def test_an_unused_advisor_is_warned_30_days_before_then_closed(advisor, django_capture_on_commit_callbacks):
    from relais.conseillers_entreprises.models import MatchStatusChange
    from tests.conseillers_entreprises.factories import MatchFactory

    rule = registry.rules["ce-comptes-conseillers"]
    with time_machine.travel(T0, tick=False):
        change = MatchStatusChange.objects.create(
            match=MatchFactory(expert=ExpertFactory(users=[])),
            from_status="quo",
            to_status="taking_care",
            author=advisor,
        )
    end = rule.duration.after(T0)
    with time_machine.travel(end - timedelta(days=30) - MINUTE, tick=False):
        assert apply_rule(rule, wet_run=True).warned == 0
    with (
        time_machine.travel(end - timedelta(days=30) + MINUTE, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        outcome = apply_rule(rule, wet_run=True)
    assert (outcome.warned, outcome.processed) == (1, 0)
    assert mail.outbox[-1].to == ["agent.ancien@cci.fr"]
    assert "sera fermé le" in mail.outbox[-1].subject
    with time_machine.travel(end - MINUTE, tick=False):
        assert apply_rule(rule, wet_run=True).processed == 0
    with time_machine.travel(end + MINUTE, tick=False):
        outcome = apply_rule(rule, wet_run=True)
    assert (outcome.warned, outcome.processed) == (0, 1)
    advisor.refresh_from_db()
    assert not advisor.is_active
    assert advisor.email.endswith("@compte-anonymise.invalid")
    assert (advisor.first_name, advisor.phone, advisor.get_full_name()) == ("", "", "Ancien conseiller")
    assert not advisor.experts.exists()
    assert MatchStatusChange.objects.get(pk=change.pk).author == advisor
    assert leftovers(("agent.ancien@cci.fr", "Alain", "698765432")) == []


def test_an_advisor_who_signs_in_after_the_warning_keeps_the_account(advisor):
    rule = registry.rules["ce-comptes-conseillers"]
    end = rule.duration.after(T0)
    with time_machine.travel(end - timedelta(days=10), tick=False):
        assert apply_rule(rule, wet_run=True).warned == 1
        User.objects.filter(pk=advisor.pk).update(last_login=timezone.now())
    with time_machine.travel(end + timedelta(days=30), tick=False):
        outcome = apply_rule(rule, wet_run=True)
    assert (outcome.warned, outcome.processed) == (0, 0)
    advisor.refresh_from_db()
    assert advisor.is_active and advisor.email == "agent.ancien@cci.fr"


def test_an_advisor_warned_late_gets_the_full_30_days(advisor):
    """An account already past 2 years when the rule first runs is warned, and closed only 30 days later."""
    rule = registry.rules["ce-comptes-conseillers"]
    late = rule.duration.after(T0) + timedelta(days=200)
    with time_machine.travel(late, tick=False):
        outcome = apply_rule(rule, wet_run=True)
    assert (outcome.warned, outcome.processed) == (1, 0)
    with time_machine.travel(late + timedelta(days=29), tick=False):
        assert apply_rule(rule, wet_run=True).processed == 0
    with time_machine.travel(late + timedelta(days=30, minutes=1), tick=False):
        assert apply_rule(rule, wet_run=True).processed == 1


def test_the_admin_shows_each_rule_with_its_last_run(admin_client):
    with time_machine.travel(T0, tick=False):
        make_sent_email()
    with time_machine.travel(T0 + timedelta(days=31), tick=False):
        apply_rule(registry.rules["courriels-envoyes"], wet_run=True)
    content = admin_client.get("/admin/privacy/retentionrun/").content.decode()
    for name in registry.rules:
        assert f"<code>{name}</code>" in content
    assert "Jamais exécutée" in content and "15/04/2022" in content
