from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.legal.models import TermsAcceptance, TermsVersion
from relais.legal.services import accept_terms, publish_terms_version
from relais.organizations.models import AccessRight, DigitalService, Membership, Organization
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def login_with_second_factor(client, user):
    # Staff must pass a second factor (accounts.middleware.AccountSetupMiddleware).
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def publish(scope="portail", version="1", **kwargs):
    kwargs.setdefault("body", "## 1. Objet\nLe service est gratuit.\n- premier point\n- second point")
    kwargs.setdefault("published_at", timezone.now() - timedelta(minutes=1))
    return publish_terms_version(scope=scope, version=version, **kwargs)


def test_a_new_portal_version_is_announced_and_must_be_accepted_at_the_next_request(
    client, django_capture_on_commit_callbacks
):
    first = publish(notify=False)
    user = UserFactory()
    inactive = UserFactory(is_active=False)
    accept_terms(user=user, versions=[first])
    client.force_login(user)
    assert client.get("/plan-du-site/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        second = publish(version="2", summary="Nouvelle règle sur les habilitations.")

    assert [message.to for message in mail.outbox] == [[user.email]]
    assert inactive.email not in mail.outbox[0].to
    assert mail.outbox[0].subject == "Nouvelles conditions d'utilisation — Portail de service"
    assert f"/cgu/versions/{second.public_id}/" in mail.outbox[0].body
    assert "Nouvelle règle sur les habilitations." in mail.outbox[0].body

    response = client.get("/plan-du-site/?page=2")
    assert response.status_code == 302
    assert response["Location"] == "/cgu/accepter/?next=%2Fplan-du-site%2F%3Fpage%3D2"

    page = client.get(response["Location"])
    content = page.content.decode()
    assert "Portail de service — version 2" in content
    assert "Nouvelle règle sur les habilitations." in content
    assert "<li>premier point</li>" in content

    refused = client.post("/cgu/accepter/", {"next": "/plan-du-site/?page=2", "versions": str(second.public_id)})
    assert refused.status_code == 200
    assert "Cochez la case pour accepter les conditions d&#x27;utilisation et continuer." in refused.content.decode()
    assert not TermsAcceptance.objects.filter(version=second).exists()

    before = timezone.now()
    accepted = client.post(
        "/cgu/accepter/", {"next": "/plan-du-site/?page=2", "versions": str(second.public_id), "accepted": "on"}
    )
    assert accepted.status_code == 302
    assert accepted["Location"] == "/plan-du-site/?page=2"
    acceptance = TermsAcceptance.objects.get(user=user, version=second)
    assert before <= acceptance.accepted_at <= timezone.now()
    assert client.get("/plan-du-site/").status_code == 200

    # A double submit keeps one row and its first date.
    client.post("/cgu/accepter/", {"next": "/", "versions": str(second.public_id), "accepted": "on"})
    assert TermsAcceptance.objects.filter(user=user, version=second).count() == 1


def test_an_up_to_date_person_costs_no_query_once_the_session_knows(client, django_assert_num_queries, settings):
    settings.LEGAL_TERMS_CACHE_SECONDS = 60
    version = publish(notify=False)
    user = UserFactory()
    accept_terms(user=user, versions=[version])
    client.force_login(user)
    client.get("/plan-du-site/")
    # Session and user only: the current version is in the cache, its acceptance in the session.
    with django_assert_num_queries(2):
        assert client.get("/plan-du-site/").status_code == 200


def test_a_version_published_in_the_future_is_not_yet_required(client):
    publish(published_at=timezone.now() + timedelta(days=3), notify=False)
    client.force_login(UserFactory())
    assert client.get("/plan-du-site/").status_code == 200


def test_a_version_accepted_while_another_was_published_is_not_accepted_unseen(client):
    shown = publish(notify=False)
    user = UserFactory()
    client.force_login(user)
    publish(version="2", notify=False)
    response = client.post("/cgu/accepter/", {"next": "/", "versions": str(shown.public_id), "accepted": "on"})
    assert response.status_code == 302
    # Version 1 is no longer in force; version 2 was never shown, so the page comes back.
    assert not TermsAcceptance.objects.filter(user=user).exists()
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("url", ["/cgu/", "/cgu/versions/", "/mentions-legales/", "/aide/"])
def test_the_pages_to_read_stay_reachable_before_accepting(client, url):
    publish(notify=False)
    client.force_login(UserFactory())
    assert client.get(url).status_code == 200


def test_logout_stays_reachable_and_staff_keep_the_admin(client):
    publish(notify=False)
    staff = UserFactory(is_staff=True, is_superuser=True)
    login_with_second_factor(client, staff)
    assert client.get("/admin/").status_code == 200
    assert client.get("/").status_code == 302
    assert client.post("/compte/deconnexion/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_next_must_stay_on_the_site(client):
    version = publish(notify=False)
    client.force_login(UserFactory())
    response = client.post(
        "/cgu/accepter/", {"next": "https://ailleurs.example/", "versions": str(version.public_id), "accepted": "on"}
    )
    assert response["Location"] == "/"


def test_anonymous_visitors_are_not_asked(client):
    publish(notify=False)
    assert client.get("/").status_code == 200


def test_a_service_version_is_announced_to_its_users_only(django_capture_on_commit_callbacks):
    older = publish(scope="conseillers-entreprises", notify=False)
    former_user, holder, stranger = UserFactory(), UserFactory(), UserFactory()
    accept_terms(user=former_user, versions=[older])
    service = DigitalService.objects.create(slug="conseillers-entreprises", name="Conseillers-Entreprises")
    organization = Organization.objects.create(siren="130025265", name="DINUM")
    membership = Membership.objects.create(user=holder, organization=organization)
    AccessRight.objects.create(membership=membership, service=service)

    with django_capture_on_commit_callbacks(execute=True):
        publish(scope="conseillers-entreprises", version="2")

    assert sorted(message.to[0] for message in mail.outbox) == sorted([former_user.email, holder.email])
    assert stranger.email not in [message.to[0] for message in mail.outbox]
    assert mail.outbox[0].subject == "Nouvelles conditions d'utilisation — Conseillers-Entreprises"


def test_past_versions_stay_readable_by_anyone(client, django_assert_max_num_queries):
    old = publish(version="2023", published_at=timezone.now() - timedelta(days=400), notify=False)
    current = publish(version="2024", summary="Mise à jour", notify=False)
    for scope in ["francenum", "conseiller-numerique", "conseillers-entreprises"]:
        publish(scope=scope, version="1", notify=False)

    with django_assert_max_num_queries(4):
        listing = client.get("/cgu/versions/")
    content = listing.content.decode()
    assert f"/cgu/versions/{old.public_id}/" in content
    assert f"/cgu/versions/{current.public_id}/" in content
    assert content.index("Portail de service") < content.index("Activateurs France Num")

    detail = client.get(f"/cgu/versions/{old.public_id}/").content.decode()
    assert "Version 2023" in detail
    assert "Cette version n'est plus en vigueur." in detail
    assert '<h2 class="fr-h5">1. Objet</h2>' in detail
    assert "Cette version est en vigueur." in client.get(f"/cgu/versions/{current.public_id}/").content.decode()


def test_a_future_or_unknown_version_is_not_found(client):
    future = publish(published_at=timezone.now() + timedelta(days=1), notify=False)
    assert client.get(f"/cgu/versions/{future.public_id}/").status_code == 404
    assert client.get("/cgu/versions/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_bodies_are_escaped(client):
    version = publish(body="<script>alert(1)</script>\n## <b>titre</b>", notify=False)
    content = client.get(f"/cgu/versions/{version.public_id}/").content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_import_terms_loads_the_real_texts_once(client):
    call_command("import_terms", stdout=StringIO(), stderr=StringIO())
    out = StringIO()
    call_command("import_terms", stdout=out, stderr=StringIO())
    assert "0 version(s) ajoutée(s), 5 déjà présente(s)" in out.getvalue()
    assert TermsVersion.objects.count() == 5
    assert TermsVersion.objects.filter(scope="conseillers-entreprises").count() == 2
    assert TermsVersion.objects.current("conseillers-entreprises").version == "2"
    portal = TermsVersion.objects.current("portail")
    assert "RESPONSABLE DES ACCES AUX SERVICES NUMERIQUES" in portal.body
    assert not mail.outbox

    page = client.get("/cgu/").content.decode()
    assert "Version 2024-01" in page
    assert "7. RESPONSABLE DES ACCES AUX SERVICES NUMERIQUES" in page
    for scope in ["conseillers-entreprises", "francenum", "conseiller-numerique"]:
        assert f"/cgu/versions/{TermsVersion.objects.current(scope).public_id}/" in page
    assert 'href="/cgu/versions/"' in page


def test_the_admin_publishes_and_announces_a_version(client, django_capture_on_commit_callbacks):
    staff = UserFactory(is_staff=True, is_superuser=True)
    login_with_second_factor(client, staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/legal/termsversion/add/",
            {
                "scope": "portail",
                "version": "2026",
                "published_at_0": timezone.localdate().strftime("%d/%m/%Y"),
                "published_at_1": "00:00:00",
                "summary": "Résumé",
                "body": "Texte",
            },
        )
    assert response.status_code == 302, response.content.decode()
    assert TermsVersion.objects.get(version="2026").scope == "portail"
    assert [message.to for message in mail.outbox] == [[staff.email]]
