import datetime as dt
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from relais.conseillers_entreprises.services import NeedDraft, need_link_url, transmit_solicitation
from relais.conseillers_entreprises.views.workspace import INVALID_LINK_MESSAGE
from tests.accounts.factories import UserFactory

from .factories import ExpertFactory, SolicitationFactory, SubjectFactory
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


def test_valid_link_logs_its_recipient_in(client, need, matches):
    user = agent(matches[0])
    response = client.get(link_path(need, user))
    assert response.status_code == 302 and response.url == page_url(need)
    assert client.get(page_url(need)).wsgi_request.user == user


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


def test_logged_in_as_another_user(client, need, matches):
    client.force_login(agent(matches[1]))
    assert_refused(client.get(link_path(need, agent(matches[0]))), need)
    assert client.session["_auth_user_id"] == str(agent(matches[1]).pk)


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


def test_second_factor_accounts_log_in_normally(client, need, matches):
    user = agent(matches[0])
    user.is_staff = True
    user.save()
    response = client.get(link_path(need, user))
    assert response.status_code == 302 and response.url == login_redirect(need)
    assert "_auth_user_id" not in client.session


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
            author=support,
        )
    transmitted = diagnosis.needs.get()
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"equipe@cci.fr", "agent1@cci.fr", "agent2@cci.fr"}
    assert all(message.cc == [] for message in mail.outbox)
    assert need_link_url(need=transmitted, user=first) in by_recipient["agent1@cci.fr"].body
    assert need_link_url(need=transmitted, user=second) in by_recipient["agent2@cci.fr"].body
    team_body = by_recipient["equipe@cci.fr"].body
    assert f"{settings.SITE_URL}{page_url(transmitted)}" in team_body and "/lien/" not in team_body
