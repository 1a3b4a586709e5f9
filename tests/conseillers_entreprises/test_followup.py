from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from relais.conseillers_entreprises.enums import (
    CompanyEmailKind,
    MatchStatus,
    NeedStatus,
    ReminderActionKind,
    ReminderBasket,
)
from relais.conseillers_entreprises.models import CompanyEmailSent, ExpertDigest, ReminderAction
from relais.conseillers_entreprises.services import refuse, take_charge
from relais.conseillers_entreprises.services.followup import (
    basket_counts,
    basket_needs,
    send_abandoned_emails,
    send_being_handled_emails,
    send_weekly_digests,
)
from tests.accounts.factories import UserFactory
from tests.companies.factories import CompanyFactory, EstablishmentFactory

from .factories import DiagnosisFactory, ExpertFactory, MatchFactory, NeedFactory, SolicitationFactory, SubjectFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
# A Monday, in UTC: days added to a Paris time across the spring clock change would be 23 hours long.
SENT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BASKETS_URL = "/support/relances/"


def make_need(*, sent_at=SENT, company="ATELIER SOIERIE CROIX-ROUSSE", email="camille.rivoire@soierie.fr", agents=2):
    establishment = EstablishmentFactory(company=CompanyFactory(name=company))
    solicitation = SolicitationFactory(first_name="Camille", last_name="Rivoire", email=email)
    diagnosis = DiagnosisFactory(solicitation=solicitation, establishment=establishment)
    need = NeedFactory(
        diagnosis=diagnosis, subject=SubjectFactory(label="Recruter un ou plusieurs salariés"), status=NeedStatus.QUO
    )
    for position in range(agents):
        user = UserFactory(email=f"agent{position}.{need.pk}@institution.fr")
        MatchFactory(need=need, expert=ExpertFactory(users=[user]), status=MatchStatus.QUO, sent_at=sent_at)
    return need


@pytest.fixture
def need():
    return make_need()


def in_basket(need, basket):
    return basket_needs(basket).filter(pk=need.pk).exists()


@pytest.mark.parametrize(
    ("days", "basket"),
    [
        (8, None),
        (9, ReminderBasket.POKE),
        (20, ReminderBasket.POKE),
        (21, ReminderBasket.LAST_CHANCE),
        (44, ReminderBasket.LAST_CHANCE),
        (45, ReminderBasket.ABANDON),
        (90, ReminderBasket.ABANDON),
    ],
)
def test_baskets_follow_the_days_since_first_sending(need, days, basket):
    with time_machine.travel(SENT + timedelta(days=days), tick=False):
        assert [b for b in ReminderBasket.values if in_basket(need, b)] == ([basket] if basket else [])


def test_a_need_taken_in_charge_leaves_the_baskets(need):
    match = need.matches.first()
    take_charge(match=match, actor=match.expert.users.get())
    with time_machine.travel(SENT + timedelta(days=10), tick=False):
        assert basket_counts() == dict.fromkeys(ReminderBasket.values, 0)


def test_needs_refused_by_every_team_are_in_the_refused_basket(need):
    matches = list(need.matches.all())
    refuse(match=matches[0], actor=matches[0].expert.users.get())
    assert not in_basket(need, ReminderBasket.REFUSED)
    refuse(match=matches[1], actor=matches[1].expert.users.get())
    assert in_basket(need, ReminderBasket.REFUSED)


def test_non_support_gets_403(client, need):
    client.force_login(UserFactory())
    assert client.get(BASKETS_URL).status_code == 403
    url = reverse("conseillers_entreprises:followup_remind", kwargs={"public_id": need.public_id})
    assert client.post(url, {"basket": "poke"}).status_code == 403
    url = reverse("conseillers_entreprises:followup_write_company", kwargs={"public_id": need.public_id})
    assert client.get(url + "?panier=refused").status_code == 403


def test_baskets_page_counts_and_constant_queries(client, support, django_assert_max_num_queries):
    client.force_login(support)
    make_need()
    with time_machine.travel(SENT + timedelta(days=10), tick=False):
        client.get(BASKETS_URL)  # warm the session and the site configuration
        with django_assert_max_num_queries(30) as small:
            response = client.get(BASKETS_URL)
        assert response.status_code == 200
        assert "Sans réponse (1)" in response.text
        assert "ATELIER SOIERIE CROIX-ROUSSE" in response.text
    for position in range(5):
        make_need(company=f"ENTREPRISE {position}", email=f"contact{position}@entreprise.fr", agents=3)
    with time_machine.travel(SENT + timedelta(days=10), tick=False):
        with django_assert_max_num_queries(len(small.captured_queries)):
            response = client.get(BASKETS_URL)
        assert "Sans réponse (6)" in response.text


def test_remind_experts_emails_the_waiting_teams_with_their_links(
    client, support, need, django_capture_on_commit_callbacks
):
    matches = list(need.matches.select_related("expert").order_by("pk"))
    refuse(match=matches[1], actor=matches[1].expert.users.get())
    client.force_login(support)
    url = reverse("conseillers_entreprises:followup_remind", kwargs={"public_id": need.public_id})
    with time_machine.travel(SENT + timedelta(days=22), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"basket": "last_chance"})
        assert response.status_code == 302
        assert not in_basket(need, ReminderBasket.LAST_CHANCE)
        # A second click does nothing more.
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, {"basket": "last_chance"})
    agent = matches[0].expert.users.get()
    assert [message.to for message in mail.outbox] == [[agent.email], [matches[0].expert.email]]
    assert mail.outbox[0].subject == "Risque d’abandon pour le besoin de l’entreprise ATELIER SOIERIE CROIX-ROUSSE"
    assert f"/besoins/{need.public_id}/lien/" in mail.outbox[0].body
    action = ReminderAction.objects.get()
    assert (action.basket, action.action, action.author) == ("last_chance", "experts_reminded", support)


def test_mark_done_removes_the_need_from_that_basket_only(client, support, need):
    client.force_login(support)
    url = reverse("conseillers_entreprises:followup_done", kwargs={"public_id": need.public_id})
    with time_machine.travel(SENT + timedelta(days=10), tick=False):
        client.post(url, {"basket": "poke"})
        assert not in_basket(need, ReminderBasket.POKE)
    with time_machine.travel(SENT + timedelta(days=22), tick=False):
        assert in_basket(need, ReminderBasket.LAST_CHANCE)
    assert ReminderAction.objects.get().action == ReminderActionKind.MARKED_DONE


def test_support_writes_to_a_company_every_team_refused(client, support, need, django_capture_on_commit_callbacks):
    for match in need.matches.all():
        refuse(match=match, actor=match.expert.users.get())
    client.force_login(support)
    url = reverse("conseillers_entreprises:followup_write_company", kwargs={"public_id": need.public_id})
    response = client.get(url + "?panier=refused")
    assert "aucun d’entre eux n’est en mesure" in response.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"basket": "refused", "subject": "Votre demande", "body": "Contactez la CCI de Lyon."}
        )
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["camille.rivoire@soierie.fr"]]
    assert mail.outbox[0].subject == "Votre demande"
    assert "Contactez la CCI de Lyon." in mail.outbox[0].body
    action = ReminderAction.objects.get()
    assert (action.basket, action.action, action.message) == ("refused", "company_emailed", "Contactez la CCI de Lyon.")
    assert not in_basket(need, ReminderBasket.REFUSED)


def test_write_form_keeps_the_text_on_error(client, support, need):
    for match in need.matches.all():
        refuse(match=match, actor=match.expert.users.get())
    client.force_login(support)
    url = reverse("conseillers_entreprises:followup_write_company", kwargs={"public_id": need.public_id})
    response = client.post(url, {"basket": "refused", "subject": "", "body": "Mon texte"})
    assert response.status_code == 200
    assert "Indiquez l’objet du courriel." in response.text
    assert "Mon texte" in response.text
    assert not ReminderAction.objects.exists()


def test_being_handled_email_on_day_9_once(need, django_capture_on_commit_callbacks):
    with time_machine.travel(SENT + timedelta(days=8, hours=23), tick=False):
        assert send_being_handled_emails() == []
    with time_machine.travel(SENT + timedelta(days=9), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert len(send_being_handled_emails()) == 1
        assert send_being_handled_emails() == []
    with time_machine.travel(SENT + timedelta(days=10), tick=False):
        assert send_being_handled_emails() == []
    assert [message.to for message in mail.outbox] == [["camille.rivoire@soierie.fr"]]
    assert mail.outbox[0].subject == "Suivi de votre demande « Recruter un ou plusieurs salariés »"
    assert CompanyEmailSent.objects.get().kind == CompanyEmailKind.BEING_HANDLED


def test_no_being_handled_email_once_an_expert_took_charge(need):
    match = need.matches.first()
    take_charge(match=match, actor=match.expert.users.get())
    with time_machine.travel(SENT + timedelta(days=9), tick=False):
        assert send_being_handled_emails() == []


def test_abandoned_email_at_45_days_once(need, django_capture_on_commit_callbacks):
    with time_machine.travel(SENT + timedelta(days=44), tick=False):
        assert send_abandoned_emails() == []
    with time_machine.travel(SENT + timedelta(days=45), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_followup_emails", "abandoned")
            call_command("send_followup_emails", "abandoned")
        assert in_basket(need, ReminderBasket.ABANDON)
    assert [message.to for message in mail.outbox] == [["camille.rivoire@soierie.fr"]]
    assert mail.outbox[0].subject == "Échec de votre demande sur le Service Public Conseillers entreprises"
    assert CompanyEmailSent.objects.filter(kind=CompanyEmailKind.ABANDONED).count() == 1


def test_dry_run_prints_and_sends_nothing(need, capsys):
    with time_machine.travel(SENT + timedelta(days=45), tick=False):
        call_command("send_followup_emails", "abandoned", "--dry-run")
    assert "camille.rivoire@soierie.fr : Échec de la demande" in capsys.readouterr().out
    assert mail.outbox == []
    assert not CompanyEmailSent.objects.exists()


def test_weekly_digest_to_each_agent_of_teams_with_pending_needs(need, django_capture_on_commit_callbacks):
    other = make_need(company="BOULANGERIE DU FAUBOURG", email="karim@pain.fr", agents=1)
    first = need.matches.order_by("pk").first()
    take_charge(match=first, actor=first.expert.users.get())
    monday = SENT + timedelta(days=7, hours=-1)
    with time_machine.travel(monday, tick=False), django_capture_on_commit_callbacks(execute=True):
        report = send_weekly_digests()
        assert send_weekly_digests() == []
    waiting = [need.matches.order_by("pk").last(), other.matches.get()]
    expected = sorted([m.expert.users.get().email for m in waiting] + [m.expert.email for m in waiting])
    assert sorted(message.to[0] for message in mail.outbox) == expected
    assert {message.subject for message in mail.outbox} == {"Récap : Des entreprises ont besoin de vous !"}
    assert len(report) == 4
    agent_email = next(message for message in mail.outbox if message.to == [waiting[0].expert.users.get().email])
    assert f"/besoins/{need.public_id}/lien/" in agent_email.body
    assert ExpertDigest.objects.count() == 2
    with time_machine.travel(monday + timedelta(days=7), tick=False):
        assert len(send_weekly_digests(dry_run=True)) == 4


def test_schedule_lists_the_followup_jobs():
    from relais.core.scheduler import load_schedule

    jobs = {job.name: job for job in load_schedule()}
    assert jobs["ce_followup_digest"].is_due(timezone.make_aware(datetime(2026, 3, 9, 9, 0), PARIS))
    assert {jobs[name].args for name in ("ce_followup_being_handled", "ce_followup_abandoned")} == {
        ("being_handled",),
        ("abandoned",),
    }
