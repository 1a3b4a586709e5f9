import pytest
from django.core import mail
from django.urls import reverse

from relais.organizations import services
from relais.organizations.enums import AccessRequestStatus, AuditAction, MembershipRole
from relais.organizations.models import AccessRequest, AccessRight, AuditEvent, Membership
from relais.organizations.views import PENDING_INVITATION_SESSION_KEY
from tests.accounts.factories import PASSWORD, UserFactory, login_with_second_factor

from .conftest import BOULANGERIE, FILATURE, SOIERIE, rights


def _token(message) -> str:
    return message.body.split("/organisations/invitation/")[1].split("/")[0]


def test_my_rights_shows_rights_per_organization_and_declarant_role(client, manager, member, deca, soierie):
    accountant = UserFactory(email="comptable@filature.fr")
    services.join_organization(user=accountant, siren=FILATURE)
    declarant = Membership.objects.create(
        user=accountant,
        organization=soierie,
        role=MembershipRole.THIRD_PARTY_DECLARANT,
        declarant_organization=Membership.objects.get(user=accountant).organization,
    )
    services.set_access_rights(actor=manager, membership=declarant, service=deca, rights=rights(deca, "saisie"))
    client.force_login(accountant)
    response = client.get(reverse("organizations:my_rights"))
    content = response.content.decode()
    assert "Tiers déclarant" in content and "ATELIER SOIERIE CROIX-ROUSSE" in content
    assert "FILATURE NUMÉRIQUE DU NORD" in content and "Saisie des démarches" in content


def test_join_from_the_page(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("organizations:join"), {"siren": "123"})
    assert response.status_code == 400
    assert "9 chiffres" in response.content.decode()
    response = client.post(reverse("organizations:join"), {"siren": BOULANGERIE})
    assert response.status_code == 302
    assert user.memberships.get().organization.siren == BOULANGERIE


def test_access_request_flow_through_the_pages(
    client, manager, member, deca, soierie, django_capture_on_commit_callbacks
):
    client.force_login(member)
    url = reverse("organizations:request_access", args=[soierie.public_id, deca.slug])
    right = deca.rights.get(code="saisie")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"rights": [right.pk], "message": "Merci"})
    assert response.status_code == 302
    assert mail.outbox[-1].to == [manager.email]
    access_request = AccessRequest.objects.get()

    login_with_second_factor(client, manager)
    decide = reverse("organizations:decide_request", args=[soierie.public_id, deca.slug, access_request.public_id])
    response = client.post(decide, {"decision": "accept", "rights": []})
    assert "Choisissez au moins une habilitation" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            decide, {"decision": "accept", "rights": [right.pk, deca.rights.get(code="validation").pk]}
        )
    assert response.status_code == 302
    access_request.refresh_from_db()
    assert access_request.status == AccessRequestStatus.ACCEPTED
    assert mail.outbox[-1].subject == "Relais : votre demande d'accès à DECA est acceptée"
    assert services.organizations_claims(member)[0]["services"]["deca"]["rights"] == ["saisie", "validation"]


def test_request_page_explains_how_to_get_an_access_manager(client, member, soierie, edof):
    administrator = UserFactory(email="admin.edof@dgefp.fr")
    edof.application_administrators.add(administrator)
    client.force_login(member)
    response = client.get(reverse("organizations:request_access", args=[soierie.public_id, edof.slug]))
    content = response.content.decode()
    assert "pas encore de responsable des accès" in content
    assert "admin.edof@dgefp.fr" in content and reverse("organizations:redeem_code") in content
    response = client.post(reverse("organizations:request_access", args=[soierie.public_id, edof.slug]), {})
    assert not AccessRequest.objects.exists()


def test_manager_changes_rights_names_manager_and_removes_access(client, manager, member, deca, soierie):
    login_with_second_factor(client, manager)
    membership = member.memberships.get()
    detail = reverse("organizations:user_detail", args=[soierie.public_id, deca.slug, membership.public_id])
    assert client.get(detail).status_code == 200
    client.post(detail, {"rights": [deca.rights.get(code="consultation").pk]})
    assert services.organizations_claims(member)[0]["services"]["deca"]["rights"] == ["consultation"]
    client.post(
        reverse("organizations:change_manager", args=[soierie.public_id, deca.slug, membership.public_id]),
        {"appoint": "1"},
    )
    assert services.can_manage_access(user=member, organization=soierie, service=deca)
    client.post(reverse("organizations:remove_access", args=[soierie.public_id, deca.slug, membership.public_id]))
    assert not AccessRight.objects.filter(membership=membership).exists()
    assert set(AuditEvent.objects.filter(actor=manager, target=member).values_list("action", flat=True)) == {
        AuditAction.RIGHTS_CHANGED,
        AuditAction.MANAGER_APPOINTED,
        AuditAction.ACCESS_REMOVED,
    }
    response = client.get(reverse("organizations:audit_log", args=[soierie.public_id]))
    assert "Nomination d&#x27;un responsable des accès" in response.content.decode()


def test_invitation_for_a_person_without_account_is_attached_after_login(
    client, manager, deca, soierie, django_capture_on_commit_callbacks
):
    login_with_second_factor(client, manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organizations:invite", args=[soierie.public_id, deca.slug]),
            {
                "email": "nouveau@filature.fr",
                "rights": [deca.rights.get(code="saisie").pk],
                "is_third_party_declarant": "on",
                "declarant_siren": FILATURE,
            },
        )
    assert response.status_code == 302
    token = _token(mail.outbox[-1])
    client.logout()

    response = client.get(reverse("organizations:invitation", args=[token]))
    assert response.status_code == 200
    assert "/compte/inscription/" in response.content.decode()
    assert client.session[PENDING_INVITATION_SESSION_KEY] == token

    # The person signs up (accounts app) and logs in: the invitation kept in the session is accepted.
    newcomer = UserFactory(email="nouveau@filature.fr")
    response = client.post(reverse("accounts:login"), {"username": newcomer.email, "password": PASSWORD})
    assert response.status_code == 302
    membership = Membership.objects.get(user=newcomer, organization=soierie)
    assert membership.role == MembershipRole.THIRD_PARTY_DECLARANT
    assert PENDING_INVITATION_SESSION_KEY not in client.session
    assert client.get(reverse("organizations:invitation", args=[token])).status_code == 404

    login_with_second_factor(client, manager)
    response = client.get(reverse("organizations:users", args=[soierie.public_id, deca.slug]))
    content = response.content.decode()
    assert "nouveau@filature.fr" in content and "Tiers déclarant" in content and "FILATURE NUMÉRIQUE DU NORD" in content


def test_logged_in_invitee_accepts_on_the_page(client, manager, deca, soierie, django_capture_on_commit_callbacks):
    guest = UserFactory(email="guest@soierie.fr")
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_user(actor=manager, organization=soierie, service=deca, email=guest.email, rights=[])
    url = reverse("organizations:invitation", args=[_token(mail.outbox[-1])])
    client.force_login(guest)
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert Membership.objects.filter(user=guest, organization=soierie).exists()


def test_application_administrator_names_manager_and_generates_a_code(client, deca, member, soierie):
    administrator = UserFactory()
    deca.application_administrators.add(administrator)
    login_with_second_factor(client, administrator)
    assert client.get(reverse("organizations:service_admin", args=[deca.slug]), {"q": "soierie"}).status_code == 200
    page = reverse("organizations:service_admin_organization", args=[deca.slug, soierie.public_id])
    response = client.post(page, {"email": "inconnu@x.fr"})
    assert "Personne n&#x27;est rattaché" in response.content.decode()
    client.post(page, {"email": member.email})
    assert services.can_manage_access(user=member, organization=soierie, service=deca)
    response = client.post(reverse("organizations:generate_code", args=[deca.slug, soierie.public_id]), follow=True)
    assert "Code responsable des accès" in response.content.decode()
    assert client.get(page).content.decode().count("Notez-le maintenant") == 0


def test_redeem_code_page(client, deca, soierie):
    administrator = UserFactory(is_superuser=True, is_staff=True)
    code = services.generate_access_manager_code(actor=administrator, organization=soierie, service=deca)
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("organizations:redeem_code"), {"code": code})
    assert response.status_code == 302
    assert services.can_manage_access(user=user, organization=soierie, service=deca)
    # Access managers need a second factor (accounts app): the next pages ask for it first.
    login_with_second_factor(client, user)
    response = client.post(reverse("organizations:redeem_code"), {"code": code})
    assert "déjà été utilisé" in response.content.decode()


# --- Permission matrix ---------------------------------------------------------------------------------------------


@pytest.fixture
def management_urls(manager, member, deca, soierie):
    membership = member.memberships.get()
    access_request = services.request_access(user=member, organization=soierie, service=deca)
    invitation = services.invite_user(actor=manager, organization=soierie, service=deca, email="x@y.fr", rights=[])
    org, slug = soierie.public_id, deca.slug
    return [
        ("get", reverse("organizations:users", args=[org, slug])),
        ("get", reverse("organizations:user_detail", args=[org, slug, membership.public_id])),
        ("post", reverse("organizations:user_detail", args=[org, slug, membership.public_id])),
        ("post", reverse("organizations:change_manager", args=[org, slug, membership.public_id])),
        ("post", reverse("organizations:remove_access", args=[org, slug, membership.public_id])),
        ("get", reverse("organizations:requests", args=[org, slug])),
        ("get", reverse("organizations:decide_request", args=[org, slug, access_request.public_id])),
        ("post", reverse("organizations:decide_request", args=[org, slug, access_request.public_id])),
        ("get", reverse("organizations:invite", args=[org, slug])),
        ("post", reverse("organizations:invite", args=[org, slug])),
        ("post", reverse("organizations:revoke_invitation", args=[org, slug, invitation.public_id])),
        ("get", reverse("organizations:audit_log", args=[org])),
        ("get", reverse("organizations:service_admin", args=[slug])),
        ("get", reverse("organizations:service_admin_organization", args=[slug, org])),
        ("post", reverse("organizations:service_admin_organization", args=[slug, org])),
        ("post", reverse("organizations:generate_code", args=[slug, org])),
    ]


def _other_organization_manager(deca):
    user = UserFactory()
    services.appoint_access_manager(
        actor=None, membership=services.join_organization(user=user, siren=BOULANGERIE), service=deca
    )
    return user


def _other_service_manager(edof):
    user = UserFactory()
    services.appoint_access_manager(
        actor=None, membership=services.join_organization(user=user, siren=SOIERIE), service=edof
    )
    return user


@pytest.mark.parametrize("who", ["member", "other_organization_manager", "other_service_manager"])
def test_management_urls_are_404_for_everyone_but_the_access_managers(client, management_urls, who, member, deca, edof):
    user = {
        "member": lambda: member,
        "other_organization_manager": lambda: _other_organization_manager(deca),
        "other_service_manager": lambda: _other_service_manager(edof),
    }[who]()
    login_with_second_factor(client, user)
    events = AuditEvent.objects.count()
    for method, url in management_urls:
        if who == "other_service_manager" and url.endswith("/journal/"):
            continue  # the audit log is per organisation: that person manages EDOF there
        assert getattr(client, method)(url).status_code == 404, url
    assert AuditEvent.objects.count() == events


def test_management_urls_refuse_a_deactivated_access_manager(client, management_urls, manager):
    login_with_second_factor(client, manager)
    manager.is_active = False
    manager.save()
    for method, url in management_urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login")), url


def test_audit_log_shows_only_the_services_one_manages(client, manager, member, deca, edof, soierie):
    services.set_access_rights(
        actor=manager, membership=member.memberships.get(), service=deca, rights=rights(deca, "saisie")
    )
    edof_manager = _other_service_manager(edof)
    login_with_second_factor(client, edof_manager)
    content = client.get(reverse("organizations:audit_log", args=[soierie.public_id])).content.decode()
    assert "Modification des habilitations" not in content
    login_with_second_factor(client, manager)
    content = client.get(reverse("organizations:audit_log", args=[soierie.public_id])).content.decode()
    assert "Modification des habilitations" in content


def test_member_cannot_request_access_for_an_organization_they_do_not_belong_to(client, manager, deca, soierie):
    client.force_login(UserFactory())
    assert client.get(reverse("organizations:request_access", args=[soierie.public_id, deca.slug])).status_code == 404


# --- Query counts ----------------------------------------------------------------------------------------------


def test_lists_have_a_constant_number_of_queries(client, manager, deca, soierie, django_assert_max_num_queries):
    def grow(count):
        for _ in range(count):
            user = UserFactory()
            membership = services.join_organization(user=user, siren=SOIERIE)
            services.set_access_rights(
                actor=manager, membership=membership, service=deca, rights=rights(deca, "saisie", "consultation")
            )
            other = UserFactory()
            services.join_organization(user=other, siren=SOIERIE)
            services.request_access(user=other, organization=soierie, service=deca, rights=rights(deca, "saisie"))

    administrator = UserFactory(is_superuser=True)
    login_with_second_factor(client, manager)
    urls = [
        reverse("organizations:users", args=[soierie.public_id, deca.slug]),
        reverse("organizations:requests", args=[soierie.public_id, deca.slug]),
        reverse("organizations:audit_log", args=[soierie.public_id]),
        reverse("organizations:my_rights"),
    ]
    grow(2)
    baseline = {}
    for url in urls:
        with django_assert_max_num_queries(30) as captured:
            client.get(url)
        baseline[url] = len(captured)
    grow(8)
    for url in urls:
        with django_assert_max_num_queries(baseline[url]):
            assert client.get(url).status_code == 200
    login_with_second_factor(client, administrator)
    with django_assert_max_num_queries(12):
        client.get(reverse("organizations:service_admin_organization", args=[deca.slug, soierie.public_id]))
