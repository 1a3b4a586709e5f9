import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from relais.accounts.models import User
from relais.conseillers_entreprises.enums import AccountRequestStatus
from relais.conseillers_entreprises.models import AccountRequest, AdvisorInvitation
from relais.conseillers_entreprises.services.advisors import ACCOUNT_REQUEST_EMAILS, invite_advisor
from relais.notifications.models import Email
from tests.accounts.factories import PASSWORD, UserFactory

from .factories import AntenneFactory, ExpertFactory

pytestmark = pytest.mark.django_db

INVITE_URL = reverse("conseillers_entreprises:advisor_invite")
INVITATIONS_URL = reverse("conseillers_entreprises:advisor_invitations")
REQUEST_URL = reverse("conseillers_entreprises:advisor_account_request")
NEW_PASSWORD = "Soierie-Lyon-2024!"


@pytest.fixture
def team():
    return ExpertFactory(name="Conseil RH CCI", antenne=AntenneFactory(name="CCI Lyon"), users=[])


@pytest.fixture
def manager(team):
    user = UserFactory(first_name="Morgane", last_name="Manager")
    team.antenne.managers.add(user)
    return user


def invite(client, user, experts, email="camille.agent@cci.fr", **extra):
    client.force_login(user)
    data = {"action": "invite", "email": email, "experts": [str(e.public_id) for e in experts], **extra}
    return client.post(INVITE_URL, data)


def invitation_link(email: Email) -> str:
    return re.search(r"https?://[^/\s]+(/conseillers/invitation/\S+/)", email.text_body).group(1)


def last_email(to: str) -> Email:
    return Email.objects.filter(to=[to]).latest("pk")


# Inviting


def test_support_invites_an_agent(client, support, team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, support, [team], first_name="Camille", last_name="Agent")
    assert response.status_code == 302
    invitation = AdvisorInvitation.objects.get()
    assert invitation.email == "camille.agent@cci.fr"
    assert list(invitation.experts.all()) == [team]
    assert invitation.expires_at - invitation.sent_at == datetime.timedelta(days=7)
    email = last_email("camille.agent@cci.fr")
    assert email.subject == (
        f"Invitation à rejoindre le Service Public Conseillers entreprises, partenaire de {team.antenne.institution}"
    )
    link = invitation_link(email)
    token = link.rstrip("/").rsplit("/", 1)[1]
    # Only the hash is stored.
    assert token not in invitation.token_hash
    assert invitation.matches_token(token)


def test_manager_invites_to_the_teams_of_their_antenne(client, manager, team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert invite(client, manager, [team]).status_code == 302
    assert Email.objects.filter(to=["camille.agent@cci.fr"]).count() == 1
    response = client.get(INVITE_URL)
    assert list(response.context["form"].fields["experts"].queryset) == [team]


def test_manager_of_another_antenne_is_refused(client, team):
    other_manager = UserFactory()
    ExpertFactory(users=[]).antenne.managers.add(other_manager)
    assert invite(client, other_manager, [team]).status_code == 403
    assert not AdvisorInvitation.objects.exists()
    invitation_of_team = _invitation(team)
    resend_url = reverse("conseillers_entreprises:advisor_invitation_resend", args=[invitation_of_team.public_id])
    assert client.post(resend_url).status_code == 404


def test_plain_agent_is_refused(client, team):
    agent = UserFactory()
    team.users.add(agent)
    client.force_login(agent)
    assert client.get(INVITE_URL).status_code == 403
    assert client.get(INVITATIONS_URL).status_code == 403
    assert invite(client, agent, [team]).status_code == 403


def test_support_searches_teams_without_losing_the_email(client, support, team):
    ExpertFactory(name="Apec", users=[])
    client.force_login(support)
    response = client.post(INVITE_URL, {"action": "search", "email": "x@cci.fr", "expert_query": "rh cci"})
    assert response.status_code == 200
    assert list(response.context["form"].fields["experts"].queryset) == [team]
    assert 'value="x@cci.fr"' in response.content.decode()
    assert not AdvisorInvitation.objects.exists()


def _invitation(team, email="camille.agent@cci.fr"):
    return invite_advisor(email=email, experts=[team], invited_by=None)


# Accepting


def test_accept_creates_the_account_and_attaches_it(client, support, team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, support, [team], first_name="Camille", last_name="Agent")
    client.logout()
    link = invitation_link(last_email("camille.agent@cci.fr"))
    assert "Finaliser votre compte" in client.get(link).content.decode()

    response = client.post(link, {"new_password1": "court", "new_password2": "court"})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["new_password2"])
    assert "trop court" in errors
    assert not User.objects.filter(email="camille.agent@cci.fr").exists()

    response = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(email="camille.agent@cci.fr")
    assert user.check_password(NEW_PASSWORD)
    assert user.signup_completed_at is not None and user.email_verified_at is not None
    assert (user.first_name, user.last_name) == ("Camille", "Agent")
    assert list(user.experts.all()) == [team]
    assert int(client.session["_auth_user_id"]) == user.pk
    assert AdvisorInvitation.objects.get().user == user

    # Single use.
    client.logout()
    content = client.get(link).content.decode()
    assert "déjà servi" in content


def test_expired_link_says_whom_to_ask(client, support, team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, support, [team])
    client.logout()
    link = invitation_link(last_email("camille.agent@cci.fr"))
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1)):
        content = client.get(link).content.decode()
        client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert "a expiré" in content
    assert support.email in content
    assert not User.objects.filter(email="camille.agent@cci.fr").exists()


def test_resend_invalidates_the_old_link(client, support, team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, support, [team])
    old_link = invitation_link(last_email("camille.agent@cci.fr"))
    invitation = AdvisorInvitation.objects.get()
    response = client.get(INVITATIONS_URL)
    assert "Renvoyer" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("conseillers_entreprises:advisor_invitation_resend", args=[invitation.public_id]))
    assert Email.objects.filter(to=["camille.agent@cci.fr"]).count() == 2
    new_link = invitation_link(last_email("camille.agent@cci.fr"))
    assert new_link != old_link
    client.logout()
    assert "remplacé par un plus récent" in client.get(old_link).content.decode()
    assert client.post(new_link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}).status_code == 302


def test_existing_account_logs_in_then_joins(client, support, team, django_capture_on_commit_callbacks):
    agent = UserFactory(email="camille.agent@cci.fr")
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, support, [team])
    client.logout()
    link = invitation_link(last_email("camille.agent@cci.fr"))
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))

    client.force_login(UserFactory())
    assert "autre adresse" in client.get(link).content.decode()

    client.force_login(agent)
    assert "Rejoindre ces équipes" in client.get(link).content.decode()
    assert client.post(link).status_code == 302
    assert list(agent.experts.all()) == [team]
    agent.refresh_from_db()
    assert agent.check_password(PASSWORD)
    assert "déjà servi" in client.get(link).content.decode()


def test_another_antennes_manager_cannot_take_over_a_pending_invitation(
    client, manager, team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, manager, [team])
    first = AdvisorInvitation.objects.get()
    first_link = invitation_link(last_email("camille.agent@cci.fr"))

    rival_team = ExpertFactory(name="Équipe Rivale", antenne=AntenneFactory(name="Antenne rivale"), users=[])
    rival = UserFactory()
    rival_team.antenne.managers.add(rival)
    with django_capture_on_commit_callbacks(execute=True):
        assert invite(client, rival, [rival_team]).status_code == 302
    first.refresh_from_db()
    # The first invitation is untouched: same inviter, same teams, its link still works.
    assert first.invited_by == manager
    assert list(first.experts.all()) == [team]
    second = AdvisorInvitation.objects.exclude(pk=first.pk).get()
    assert list(second.experts.all()) == [rival_team]
    client.logout()
    assert "Finaliser votre compte" in client.get(first_link).content.decode()

    # The rival can neither see nor resend the first invitation.
    client.force_login(rival)
    assert first.email not in "".join(
        invitation.email for invitation in client.get(INVITATIONS_URL).context["invitations"] if invitation == first
    )
    resend = reverse("conseillers_entreprises:advisor_invitation_resend", args=[first.public_id])
    assert client.post(resend).status_code == 404
    first.refresh_from_db()
    assert first.invited_by == manager

    # Each email names its own teams only; accepting one attaches to its teams only.
    rival_email, manager_email = Email.objects.filter(to=["camille.agent@cci.fr"]).order_by("-pk")[:2]
    assert "Équipe Rivale" in rival_email.text_body and "Conseil RH CCI" not in rival_email.text_body
    client.logout()
    client.post(invitation_link(rival_email), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert list(User.objects.get(email="camille.agent@cci.fr").experts.all()) == [rival_team]
    assert "Conseil RH CCI" in client.get(invitation_link(manager_email)).content.decode()


def test_a_manager_sees_but_cannot_resend_an_invitation_reaching_beyond_their_antennes(
    client, support, manager, team, django_capture_on_commit_callbacks
):
    elsewhere = ExpertFactory(antenne=AntenneFactory(), users=[])
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, support, [team, elsewhere])
    invitation = AdvisorInvitation.objects.get()
    client.force_login(manager)
    content = client.get(INVITATIONS_URL).content.decode()
    assert invitation.email in content and "Gérée par le support ou une autre antenne" in content
    resend = reverse("conseillers_entreprises:advisor_invitation_resend", args=[invitation.public_id])
    assert client.post(resend).status_code == 404
    # Inviting the same address to their own team makes a separate invitation.
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, manager, [team])
    assert AdvisorInvitation.objects.count() == 2


def test_pending_invitations_list_has_constant_queries(client, support, django_assert_max_num_queries):
    for index in range(5):
        _invitation(ExpertFactory(users=[]), email=f"agent{index}@cci.fr")
    client.force_login(support)
    with django_assert_max_num_queries(12):
        response = client.get(INVITATIONS_URL)
    assert len(response.context["invitations"]) == 5


# Account requests


REQUEST_DATA = {
    "first_name": "Dominique",
    "last_name": "Conseil",
    "email": "dominique.conseil@cma-lyon.fr",
    "phone": "04 78 00 00 00",
    "institution": "Chambre de métiers et de l’artisanat",
    "antenne": "CMA Lyon",
    "message": "Conseillère en développement économique, j’accompagne les artisans sur le recrutement.",
    "website": "",
}


def test_account_request_validated_sends_an_invitation(client, support, team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REQUEST_URL, REQUEST_DATA)
    assert response.status_code == 302
    account_request = AccountRequest.objects.get()
    support_email = Email.objects.get(template="conseillers_entreprises/emails/advisor_account_request")
    assert support_email.to == [settings.SUPPORT_EMAIL]
    assert (
        support_email.subject
        == "Demande de compte conseiller : Dominique Conseil (Chambre de métiers et de l’artisanat)"
    )

    client.force_login(support)
    assert (
        "Dominique Conseil" in client.get(reverse("conseillers_entreprises:advisor_account_requests")).content.decode()
    )
    detail = reverse("conseillers_entreprises:advisor_account_request_detail", args=[account_request.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(detail, {"action": "validate", "experts": [str(team.public_id)]})
    assert response.status_code == 302
    account_request.refresh_from_db()
    assert account_request.status == AccountRequestStatus.VALIDATED
    invitation = account_request.invitation
    assert (invitation.email, invitation.first_name) == ("dominique.conseil@cma-lyon.fr", "Dominique")
    assert list(invitation.experts.all()) == [team]
    email = last_email("dominique.conseil@cma-lyon.fr")
    assert email.subject.startswith("Invitation à rejoindre le Service Public Conseillers entreprises")
    # Decided once.
    client.post(detail, {"action": "refuse", "reason": "Doublon"})
    account_request.refresh_from_db()
    assert account_request.status == AccountRequestStatus.VALIDATED


def test_account_request_refused_tells_the_agent(client, support, django_capture_on_commit_callbacks):
    client.post(REQUEST_URL, REQUEST_DATA)
    account_request = AccountRequest.objects.get()
    client.force_login(support)
    detail = reverse("conseillers_entreprises:advisor_account_request_detail", args=[account_request.public_id])
    response = client.post(detail, {"action": "refuse", "reason": ""})
    assert "Indiquez le motif du refus" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(detail, {"action": "refuse", "reason": "Votre structure n’est pas encore partenaire du service."})
    account_request.refresh_from_db()
    assert account_request.status == AccountRequestStatus.REFUSED
    email = last_email("dominique.conseil@cma-lyon.fr")
    assert email.subject == "Votre demande de compte sur le Service Public Conseillers entreprises"
    assert "pas encore partenaire" in email.text_body


def test_account_request_honeypot_and_errors(client, support):
    response = client.post(REQUEST_URL, {**REQUEST_DATA, "email": "", "message": ""})
    content = response.content.decode()
    assert "Indiquez votre adresse électronique professionnelle." in content
    assert "Dominique" in content
    assert client.post(REQUEST_URL, {**REQUEST_DATA, "website": "spam"}).status_code == 302
    assert not AccountRequest.objects.exists()
    client.force_login(UserFactory())
    assert client.get(reverse("conseillers_entreprises:advisor_account_requests")).status_code == 403


def test_account_requests_are_capped_per_address_and_per_ip(client):
    for _ in range(ACCOUNT_REQUEST_EMAILS.per_address):
        assert client.post(REQUEST_URL, REQUEST_DATA).status_code == 302
    capped = client.post(REQUEST_URL, REQUEST_DATA)
    assert capped.status_code == 429
    assert "Plusieurs courriels ont déjà été envoyés à cette adresse" in capped.content.decode()
    assert AccountRequest.objects.count() == ACCOUNT_REQUEST_EMAILS.per_address
    for index in range(ACCOUNT_REQUEST_EMAILS.per_ip - ACCOUNT_REQUEST_EMAILS.per_address):
        client.post(REQUEST_URL, {**REQUEST_DATA, "email": f"agent{index}@cci.fr"})
    assert client.post(REQUEST_URL, {**REQUEST_DATA, "email": "encore@cci.fr"}).status_code == 429
