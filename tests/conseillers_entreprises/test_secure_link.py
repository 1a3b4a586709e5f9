import datetime as dt
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.accounts.services import deactivate_users, report_compromised_password, suspend_account
from relais.conseillers_entreprises.services import NeedDraft, need_link_url, transmit_solicitation
from relais.conseillers_entreprises.views.workspace import INVALID_LINK_MESSAGE
from relais.legal.services import publish_terms_version
from tests.accounts.factories import UserFactory

from .factories import ExpertFactory, MatchFactory, SolicitationFactory, SubjectFactory
from .test_positioning import agent

pytestmark = pytest.mark.django_db


def page_url(need):
    return reverse("conseillers_entreprises:need", kwargs={"public_id": need.public_id})


def link_path(need, user):
    return need_link_url(need=need, user=user).removeprefix(settings.SITE_URL)


def login_redirect(need):
    return f"{reverse('accounts:login')}?next={page_url(need)}"


def assert_refused(response, need):
    assert response.status_code == 302
    assert response.url == login_redirect(need)
    assert [str(message) for message in get_messages(response.wsgi_request)] == [INVALID_LINK_MESSAGE]


def open_link(client, need, user):
    response = client.get(link_path(need, user))
    assert response.status_code == 302 and response.url == page_url(need), response
    return response


def test_a_link_opens_its_need_to_its_recipient_without_signing_them_in(client, need, matches):
    user = agent(matches[0])
    open_link(client, need, user)
    page = client.get(page_url(need))
    assert page.status_code == 200
    assert page.wsgi_request.user == user
    assert "grâce au lien reçu par courriel" in page.content.decode()
    assert "_auth_user_id" not in client.session
    # Opened twice, it still opens the need; it never becomes a session for the rest of the space.
    open_link(client, need, user)
    assert client.get(page_url(need)).status_code == 200
    assert client.get(reverse("accounts:profile")).status_code == 302
    assert client.get(reverse("conseillers_entreprises:inbox")).status_code == 302


def test_the_link_holder_positions_and_writes_on_that_need_only(client, need, matches, support):
    user = agent(matches[0])
    open_link(client, need, user)
    response = client.post(
        reverse("conseillers_entreprises:match_position", kwargs={"public_id": matches[0].public_id}),
        {"action": "take_charge"},
    )
    assert response.url == page_url(need)
    matches[0].refresh_from_db()
    assert matches[0].status == "taking_care"
    response = client.post(
        reverse("conseillers_entreprises:need_comment", kwargs={"public_id": need.public_id}),
        {"body": "Je rappelle l'entreprise demain."},
    )
    assert response.status_code == 302
    assert need.comments.get().author == user

    # Another need of the same agent is out of reach of this link.
    other_match = MatchFactory(expert=matches[0].expert)
    assert client.get(page_url(other_match.need)).status_code == 302
    response = client.post(
        reverse("conseillers_entreprises:match_position", kwargs={"public_id": other_match.public_id}),
        {"action": "take_charge"},
    )
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    other_match.refresh_from_db()
    assert other_match.status == "quo"


@pytest.mark.parametrize(
    "revoke",
    [
        pytest.param(lambda user: (user.set_password("Nouveau-mot-de-passe-42"), user.save()), id="password"),
        pytest.param(lambda user: report_compromised_password(user=user, ip="192.0.2.1"), id="compromised"),
        pytest.param(
            lambda user: deactivate_users(users=type(user).objects.filter(pk=user.pk), reason="Départ"),
            id="deactivation",
        ),
        pytest.param(lambda user: suspend_account(user=user, actor=None, reason="Enquête"), id="suspension"),
    ],
)
def test_the_link_and_the_access_it_gave_die_with_the_recipients_credentials(client, need, matches, revoke):
    user = agent(matches[0])
    path = link_path(need, user)
    client.get(path)
    assert client.get(page_url(need)).status_code == 200
    revoke(user)
    assert client.get(page_url(need)).status_code == 302
    assert_refused(client.__class__().get(path), need)


def test_link_when_already_logged_in_as_the_recipient(client, need, matches):
    client.force_login(agent(matches[0]))
    response = client.get(link_path(need, agent(matches[0])))
    assert response.url == page_url(need)


def test_expired_link(client, need, matches):
    path = link_path(need, agent(matches[0]))
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        response = client.get(path)
    assert_refused(response, need)
    assert "_auth_user_id" not in client.session


def test_link_still_valid_before_thirty_days(client, need, matches):
    path = link_path(need, agent(matches[0]))
    with time_machine.travel(timezone.now() + timedelta(days=29), tick=False):
        assert client.get(path).url == page_url(need)


def test_signed_in_as_someone_else_the_person_is_told_the_link_is_not_theirs(client, need, matches):
    outsider = UserFactory(first_name="Dominique", last_name="Autre")
    client.force_login(outsider)
    response = client.get(link_path(need, agent(matches[0])))
    assert response.status_code == 403
    content = response.content.decode()
    assert "Ce lien a été envoyé à une autre personne" in content
    assert "Dominique Autre" in content
    assert client.session["_auth_user_id"] == str(outsider.pk)


def test_a_colleague_who_may_see_the_need_is_simply_taken_to_it(client, need, matches):
    # The other team's agent opens a link forwarded by a colleague: the need is theirs to see anyway.
    client.force_login(agent(matches[1]))
    assert client.get(link_path(need, agent(matches[0]))).url == page_url(need)


def test_tampered_token(client, need, matches):
    path = link_path(need, agent(matches[0]))
    token = path.rstrip("/").rsplit("/", 1)[1]
    tampered = path.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    assert_refused(client.get(tampered), need)
    assert "_auth_user_id" not in client.session


def test_link_of_another_need_or_another_purpose(client, need, matches):
    user = agent(matches[0])
    other = matches[0].need.__class__.objects.create(diagnosis=need.diagnosis, subject=need.subject)
    token = link_path(need, user).rstrip("/").rsplit("/", 1)[1]
    path = reverse("conseillers_entreprises:need_link", kwargs={"public_id": other.public_id, "token": token})
    assert_refused(client.get(path), other)


def test_agent_who_left_the_team_gets_nothing(client, need, matches):
    user = agent(matches[0])
    path = link_path(need, user)
    matches[0].expert.users.remove(user)
    assert_refused(client.get(path), need)


def test_an_agent_who_leaves_the_team_loses_the_access_the_link_gave(client, need, matches):
    user = agent(matches[0])
    open_link(client, need, user)
    matches[0].expert.users.remove(user)
    assert client.get(page_url(need)).status_code == 404


@pytest.mark.parametrize("second_factor", ["required", "chosen"])
def test_second_factor_accounts_log_in_normally(client, need, matches, second_factor):
    user = agent(matches[0])
    if second_factor == "required":
        user.is_staff = True
        user.save()
    else:
        TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    response = client.get(link_path(need, user))
    assert response.status_code == 302 and response.url == login_redirect(need)
    assert "_auth_user_id" not in client.session
    assert client.get(page_url(need)).status_code == 302


def test_new_terms_are_accepted_by_signing_in_not_through_the_link(client, need, matches):
    user = agent(matches[0])
    open_link(client, need, user)
    publish_terms_version(scope="portail", version="9", body="Texte", notify=False)
    assert client.get(page_url(need)).url.startswith(reverse("accounts:login"))


# Frozen clock: a signed link embeds the second it was made, and the email's link must equal the one rebuilt below.
@time_machine.travel(dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC), tick=False)
def test_transmission_emails_carry_one_link_per_agent(need, support, django_capture_on_commit_callbacks):
    first, second = UserFactory(email="agent1@cci.fr"), UserFactory(email="agent2@cci.fr")
    expert = ExpertFactory(email="equipe@cci.fr", users=[first, second])
    solicitation = SolicitationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        diagnosis = transmit_solicitation(
            solicitation=solicitation,
            needs=[NeedDraft(SubjectFactory(), "Recruter", [expert])],
            actor=support,
        )
    transmitted = diagnosis.needs.get()
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"equipe@cci.fr", "agent1@cci.fr", "agent2@cci.fr"}
    assert all(message.cc == [] for message in mail.outbox)
    assert need_link_url(need=transmitted, user=first) in by_recipient["agent1@cci.fr"].body
    assert need_link_url(need=transmitted, user=second) in by_recipient["agent2@cci.fr"].body
    team_body = by_recipient["equipe@cci.fr"].body
    assert f"{settings.SITE_URL}{page_url(transmitted)}" in team_body and "/lien/" not in team_body
