import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from relais.organizations import services
from relais.organizations.catalogue import CATALOGUE, load_digital_services
from relais.organizations.enums import AccessRequestStatus, AuditAction, MembershipRole
from relais.organizations.models import (
    AccessRight,
    AuditEvent,
    DigitalService,
    Invitation,
    Membership,
    Organization,
    ServiceRight,
)
from relais.organizations.services.codes import CODE_FAILURES_PER_IP
from tests.accounts.factories import UserFactory

from .conftest import BOULANGERIE, FILATURE, SOIERIE, rights


def test_catalogue_has_the_seventeen_dgefp_services_and_relais_own_three():
    assert DigitalService.objects.count() == len(CATALOGUE) == 20
    assert DigitalService.objects.filter(slug="daccord").count() == 1
    assert set(DigitalService.objects.values_list("acronym", flat=True)) >= {"CERES", "MDFSE+", "AGAPE'TH", "REACTEUR"}
    assert not DigitalService.objects.filter(rights__isnull=True).exists()


def test_catalogue_loading_is_idempotent(capsys):
    counts = ServiceRight.objects.count()
    assert load_digital_services() == (0, 0)
    call_command("import_digital_services")
    assert ServiceRight.objects.count() == counts
    assert "0 service(s)" in capsys.readouterr().out


def test_join_organization_creates_it_from_the_registry_once():
    user = UserFactory()
    membership = services.join_organization(user=user, siren="842 159 378")
    organization = membership.organization
    assert organization.name == "ATELIER SOIERIE CROIX-ROUSSE"
    assert organization.postal_code == "69004" and organization.commune_name == "Lyon"
    assert membership.role == MembershipRole.MEMBER and not membership.access_rights.exists()
    assert services.join_organization(user=user, siren=SOIERIE) == membership
    assert Organization.objects.count() == Membership.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.JOINED).count() == 1


@pytest.mark.parametrize(
    ("siren", "message"),
    [("123", "9 chiffres"), ("842159379", "n'est pas valide"), ("552100554", "Aucune entreprise")],
)
def test_join_organization_explains_a_bad_siren_in_french(siren, message):
    with pytest.raises(ValidationError) as error:
        services.join_organization(user=UserFactory(), siren=siren)
    assert message in " ".join(error.value.messages)
    assert not Organization.objects.exists()


def test_claims_and_access_manager(manager, member, deca, edof, soierie):
    assert services.is_access_manager(manager) and not services.is_access_manager(member)
    services.set_access_rights(
        actor=manager, membership=member.memberships.get(), service=deca, rights=rights(deca, "saisie", "consultation")
    )
    assert services.organizations_claims(member) == [
        {
            "siren": SOIERIE,
            "name": "ATELIER SOIERIE CROIX-ROUSSE",
            "role": "member",
            "services": {"deca": {"rights": ["consultation", "saisie"], "access_manager": False}},
        }
    ]
    assert services.organizations_claims(manager)[0]["services"] == {"deca": {"rights": [], "access_manager": True}}
    manager.is_active = False
    assert not services.is_access_manager(manager)


def test_request_access_emails_the_managers_and_is_created_once(
    manager, member, deca, soierie, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.request_access(user=member, organization=soierie, service=deca, rights=rights(deca, "saisie"))
    again = services.request_access(user=member, organization=soierie, service=deca)
    assert again == first
    assert [(message.to, message.subject) for message in mail.outbox] == [
        (["responsable@soierie.fr"], "Relais : demande d'accès à DECA pour ATELIER SOIERIE CROIX-ROUSSE")
    ]
    assert AuditEvent.objects.filter(action=AuditAction.REQUEST_CREATED, target=member).exists()


def test_request_access_without_manager_says_so(member, soierie, edof):
    with pytest.raises(services.NoAccessManager, match="pas encore de responsable des accès"):
        services.request_access(user=member, organization=soierie, service=edof)


def test_request_access_needs_membership(manager, soierie, deca):
    with pytest.raises(PermissionDenied):
        services.request_access(user=UserFactory(), organization=soierie, service=deca)


def test_accept_and_refuse_requests(manager, member, deca, soierie, django_capture_on_commit_callbacks):
    access_request = services.request_access(user=member, organization=soierie, service=deca)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_access_request(actor=manager, access_request=access_request, rights=rights(deca, "validation"))
    assert [(message.to, message.subject) for message in mail.outbox] == [
        (["membre@soierie.fr"], "Relais : votre demande d'accès à DECA est acceptée")
    ]
    access_request.refresh_from_db()
    assert access_request.status == AccessRequestStatus.ACCEPTED and access_request.decided_by == manager
    assert services.organizations_claims(member)[0]["services"]["deca"]["rights"] == ["validation"]
    with pytest.raises(ValidationError, match="déjà été traitée"):
        services.refuse_access_request(actor=manager, access_request=access_request)

    other = UserFactory(email="autre@soierie.fr")
    services.join_organization(user=other, siren=SOIERIE)
    refused = services.request_access(user=other, organization=soierie, service=deca)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.refuse_access_request(actor=manager, access_request=refused, comment="Pas dans votre équipe.")
    assert [(message.to, message.subject) for message in mail.outbox] == [
        (["autre@soierie.fr"], "Relais : votre demande d'accès à DECA est refusée")
    ]
    assert "Pas dans votre équipe." in mail.outbox[0].body
    assert not AccessRight.objects.filter(membership__user=other).exists()


def test_rights_changes_are_audited_and_emailed(manager, member, deca, edof, django_capture_on_commit_callbacks):
    membership = member.memberships.get()
    with pytest.raises(ValidationError):
        services.set_access_rights(actor=manager, membership=membership, service=deca, rights=rights(edof, "catalogue"))
    with django_capture_on_commit_callbacks(execute=True):
        services.set_access_rights(actor=manager, membership=membership, service=deca, rights=rights(deca, "saisie"))
    assert mail.outbox[-1].to == ["membre@soierie.fr"]
    assert mail.outbox[-1].subject == "Relais : vos habilitations pour DECA ont changé"
    event = AuditEvent.objects.get(action=AuditAction.RIGHTS_CHANGED)
    assert (event.actor, event.target, event.service) == (manager, member, deca)
    assert event.details == {"avant": [], "après": ["saisie"]}
    services.set_access_rights(actor=manager, membership=membership, service=deca, rights=[])
    assert not AccessRight.objects.filter(membership=membership).exists()


def test_appoint_manager_member_only(manager, member, deca, soierie, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.appoint_access_manager(actor=manager, membership=member.memberships.get(), service=deca)
    assert mail.outbox[-1].subject == "Relais : vous êtes responsable des accès de ATELIER SOIERIE CROIX-ROUSSE"
    assert services.can_manage_access(user=member, organization=soierie, service=deca)
    services.revoke_access_manager(actor=manager, membership=member.memberships.get(), service=deca)
    assert not services.can_manage_access(user=member, organization=soierie, service=deca)
    assert list(AuditEvent.objects.filter(target=member).order_by("id").values_list("action", flat=True)) == [
        AuditAction.JOINED,
        AuditAction.MANAGER_APPOINTED,
        AuditAction.MANAGER_REVOKED,
    ]


def test_invite_an_existing_user(manager, deca, soierie, django_capture_on_commit_callbacks):
    guest = UserFactory(email="invitee@soierie.fr")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_user(
            actor=manager, organization=soierie, service=deca, email="Invitee@Soierie.fr", rights=rights(deca, "saisie")
        )
    message = mail.outbox[-1]
    assert (message.to, message.subject) == (
        ["invitee@soierie.fr"],
        "Relais : invitation à agir pour ATELIER SOIERIE CROIX-ROUSSE dans DECA",
    )
    token = message.body.split("/organisations/invitation/")[1].split("/")[0]
    assert invitation.token_hash != token
    with pytest.raises(ValidationError, match="envoyée à invitee@soierie.fr"):
        services.accept_invitation(user=UserFactory(), token=token)
    membership = services.accept_invitation(user=guest, token=token)
    assert membership.organization == soierie and membership.role == MembershipRole.MEMBER
    assert services.organizations_claims(guest)[0]["services"]["deca"]["rights"] == ["saisie"]
    with pytest.raises(ValidationError, match="déjà été utilisée"):
        services.accept_invitation(user=guest, token=token)


def test_invitation_expires(manager, deca, soierie, django_capture_on_commit_callbacks):
    with time_machine.travel("2026-01-05 10:00 +0100", tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            services.invite_user(actor=manager, organization=soierie, service=deca, email="x@y.fr", rights=[])
        token = mail.outbox[-1].body.split("/organisations/invitation/")[1].split("/")[0]
    with time_machine.travel("2026-01-12 10:01 +0100", tick=False), pytest.raises(ValidationError, match="expiré"):
        services.accept_invitation(user=UserFactory(email="x@y.fr"), token=token)


def test_a_new_invitation_replaces_the_previous_link(manager, deca, soierie):
    first = services.invite_user(actor=manager, organization=soierie, service=deca, email="x@y.fr", rights=[])
    services.invite_user(actor=manager, organization=soierie, service=deca, email="x@y.fr", rights=[])
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert Invitation.objects.pending().count() == 1


def test_third_party_declarant_added_listed_and_removed(manager, deca, soierie, django_capture_on_commit_callbacks):
    accountant = UserFactory(email="comptable@filature.fr")
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_user(
            actor=manager,
            organization=soierie,
            service=deca,
            email=accountant.email,
            rights=rights(deca, "saisie"),
            declarant_siren=FILATURE,
        )
    token = mail.outbox[-1].body.split("/organisations/invitation/")[1].split("/")[0]
    membership = services.accept_invitation(user=accountant, token=token)
    assert membership.role == MembershipRole.THIRD_PARTY_DECLARANT
    assert membership.declarant_organization.siren == FILATURE
    claims = {claim["siren"]: claim for claim in services.organizations_claims(accountant)}
    assert claims[SOIERIE]["role"] == "third_party_declarant"
    assert claims[SOIERIE]["services"] == {"deca": {"rights": ["saisie"], "access_manager": False}}
    assert claims[FILATURE]["role"] == "member"
    assert membership in Membership.objects.acting_in(organization=soierie, service=deca)

    with pytest.raises(ValidationError, match="tiers déclarant"):
        services.appoint_access_manager(actor=manager, membership=membership, service=deca)
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_access(actor=manager, membership=membership, service=deca)
    assert mail.outbox[-1].to == [accountant.email]
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert Membership.objects.filter(user=accountant, organization__siren=FILATURE).exists()
    event = AuditEvent.objects.get(action=AuditAction.DECLARANT_REMOVED)
    assert (event.actor, event.target_label, event.organization) == (manager, accountant.email, soierie)


def test_declarant_cannot_be_from_the_same_organization(manager, deca, soierie):
    with pytest.raises(ValidationError, match="autre organisation"):
        services.invite_user(
            actor=manager, organization=soierie, service=deca, email="a@b.fr", rights=[], declarant_siren=SOIERIE
        )


def test_wrong_access_manager_codes_are_limited_like_the_sign_up_code(deca):
    administrator = UserFactory()
    deca.application_administrators.add(administrator)
    organization = services.get_or_create_organization(siren=BOULANGERIE)
    code = services.generate_access_manager_code(actor=administrator, organization=organization, service=deca)
    guesser = UserFactory()
    with pytest.raises(ValidationError, match=r"\(4 essais restants\)"):
        services.redeem_access_manager_code(user=guesser, code="AAAA-BBBB-CCCC", ip="192.0.2.1")
    for _ in range(3):
        with pytest.raises(ValidationError):
            services.redeem_access_manager_code(user=guesser, code="AAAA-BBBB-CCCC", ip="192.0.2.1")
    with pytest.raises(ValidationError, match="Trop d'essais : réessayez dans 60 minutes"):
        services.redeem_access_manager_code(user=guesser, code="AAAA-BBBB-CCCC", ip="192.0.2.1")
    # Even the right code is refused now, to that person.
    with pytest.raises(ValidationError, match="Trop d'essais avec des codes erronés"):
        services.redeem_access_manager_code(user=guesser, code=code, ip="192.0.2.1")
    # From one address, robots changing accounts are held back too.
    for _ in range(CODE_FAILURES_PER_IP.limit - 5):
        with pytest.raises(ValidationError):
            services.redeem_access_manager_code(user=UserFactory(), code="AAAA-BBBB-CCCC", ip="192.0.2.1")
    with pytest.raises(ValidationError, match="Trop d'essais avec des codes erronés"):
        services.redeem_access_manager_code(user=UserFactory(), code=code, ip="192.0.2.1")
    assert services.redeem_access_manager_code(user=UserFactory(), code=code, ip="192.0.2.2").is_access_manager


def test_access_manager_code_single_use_and_expiry(deca, django_capture_on_commit_callbacks):
    administrator = UserFactory()
    deca.application_administrators.add(administrator)
    organization = services.get_or_create_organization(siren=BOULANGERIE)
    with pytest.raises(PermissionDenied):
        services.generate_access_manager_code(actor=UserFactory(), organization=organization, service=deca)
    with time_machine.travel("2026-03-01 09:00 +0100", tick=False):
        code = services.generate_access_manager_code(actor=administrator, organization=organization, service=deca)
        expired = services.generate_access_manager_code(actor=administrator, organization=organization, service=deca)
    assert len(code) == 14 and code.count("-") == 2
    baker = UserFactory()
    with time_machine.travel("2026-03-20 09:00 +0100", tick=False):
        access = services.redeem_access_manager_code(user=baker, code=code.lower().replace("-", " "))
        assert access.is_access_manager and access.membership.organization == organization
        with pytest.raises(ValidationError, match="déjà été utilisé"):
            services.redeem_access_manager_code(user=UserFactory(), code=code)
    with time_machine.travel("2026-04-01 09:00 +0100", tick=False), pytest.raises(ValidationError, match="expiré"):
        services.redeem_access_manager_code(user=UserFactory(), code=expired)
    with pytest.raises(ValidationError, match="n'est pas valide"):
        services.redeem_access_manager_code(user=baker, code="AAAA-BBBB-CCCC")
    assert AuditEvent.objects.filter(action=AuditAction.CODE_REDEEMED, actor=baker).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.CODE_GENERATED, actor=administrator).count() == 2


def test_demo_is_idempotent():
    from relais.organizations.demo import demo_accounts, load_demo

    load_demo()
    counts = (Membership.objects.count(), AccessRight.objects.count(), AuditEvent.objects.count())
    load_demo()
    assert (Membership.objects.count(), AccessRight.objects.count(), AuditEvent.objects.count()) == counts
    assert any(membership.is_third_party_declarant for membership in Membership.objects.all())
    assert len(demo_accounts()) == 6
