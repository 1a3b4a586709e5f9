import pytest
from django.core import mail
from django.urls import reverse

from relais.notifications.enums import EmailStatus
from relais.notifications.models import MAX_ATTEMPTS, Email
from tests.accounts.factories import UserFactory, login_with_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    login_with_second_factor(client, UserFactory(is_staff=True, is_superuser=True))
    return client


def make_email(**fields):
    return Email.objects.create(
        to=["anne@exemple.fr"],
        subject="Relais : essai",
        text_body="Bonjour",
        html_body='<p style="color:#000091">Bonjour</p>',
        template="accounts/emails/password_reset",
        **fields,
    )


def test_list_and_detail_pages(staff_client, django_assert_max_num_queries):
    make_email(status=EmailStatus.FAILED, attempts=MAX_ATTEMPTS, last_error="SMTPServerDisconnected : coupé")
    email = make_email()
    for _ in range(20):
        make_email()

    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("admin:notifications_email_changelist"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Échec définitif" in content
    assert "SMTPServerDisconnected" in content

    response = staff_client.get(reverse("admin:notifications_email_changelist"), {"status": "failed", "q": "anne"})
    assert response.status_code == 200

    response = staff_client.get(reverse("admin:notifications_email_change", args=[email.pk]))
    assert response.status_code == 200
    assert reverse("admin:notifications_email_preview", args=[email.pk]) in response.content.decode()


def test_html_preview_is_sandboxed(staff_client):
    email = make_email()
    response = staff_client.get(reverse("admin:notifications_email_preview", args=[email.pk]))
    assert response.status_code == 200
    assert response.content.decode() == email.html_body
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    policy = response["Content-Security-Policy"]
    assert "sandbox" in policy
    assert "script-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy


def test_preview_is_refused_to_non_staff(client):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:notifications_email_preview", args=[make_email().pk]))
    assert response.status_code == 302


def test_resend_now(staff_client, django_capture_on_commit_callbacks):
    failed = make_email(status=EmailStatus.FAILED, attempts=MAX_ATTEMPTS, last_error="coupé")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:notifications_email_changelist"),
            {"action": "requeue", "_selected_action": [failed.pk]},
            follow=True,
        )
    assert [str(m) for m in response.context["messages"]] == ["1 courriel(s) remis en file d'envoi."]
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (EmailStatus.SENT, 1)
    assert len(mail.outbox) == 1
