import pytest
from django.urls import reverse

from relais.conseillers_entreprises.models import NewsletterSubscription
from relais.conseillers_entreprises.services.newsletter import CONFIRMATION_EMAILS, send_newsletter_issue, subscribers
from relais.notifications.models import Email

pytestmark = pytest.mark.django_db


def subscribe(client, email="lea@atelier.fr"):
    return client.post(reverse("conseillers_entreprises:newsletter_subscribe"), {"email": email})


def test_double_opt_in_then_unsubscribe_then_resubscribe(client):
    response = subscribe(client)
    assert "un courriel vient de lui être envoyé" in response.content.decode()
    subscription = NewsletterSubscription.objects.get()
    assert not subscribers().exists()
    email = Email.objects.get()
    confirm_path = reverse("conseillers_entreprises:newsletter_confirm", args=[subscription.public_id])
    assert email.to == ["lea@atelier.fr"] and confirm_path in email.text_body
    # Following the link shows a button: mail scanners that open links confirm nothing.
    client.get(confirm_path)
    assert not subscribers().exists()
    client.post(confirm_path)
    assert list(subscribers()) == [subscription]

    assert send_newsletter_issue(subject="Lettre de mai", text="Les nouveautés.", html="<p>Les nouveautés.</p>") == 1
    issue = Email.objects.filter(subject="Lettre de mai").get()
    unsubscribe_path = reverse("conseillers_entreprises:newsletter_unsubscribe", args=[subscription.public_id])
    assert unsubscribe_path in issue.text_body and unsubscribe_path in issue.html_body

    client.post(unsubscribe_path)
    assert not subscribers().exists()
    assert send_newsletter_issue(subject="Lettre de juin", text="…", html="<p>…</p>") == 0

    subscribe(client)
    assert not subscribers().exists()
    client.post(confirm_path)
    assert subscribers().count() == 1


def test_already_subscribed_gets_no_new_email_and_page_does_not_tell(client):
    subscribe(client)
    client.post(
        reverse("conseillers_entreprises:newsletter_confirm", args=[NewsletterSubscription.objects.get().public_id])
    )
    response = subscribe(client, "LEA@atelier.fr")
    assert "un courriel vient de lui être envoyé" in response.content.decode()
    assert Email.objects.count() == 1


def test_invalid_email_is_refused_in_french(client):
    response = subscribe(client, "lea@")
    assert "Saisissez une adresse électronique valide" in response.content.decode()
    assert not NewsletterSubscription.objects.exists()


def test_confirmation_emails_are_capped_per_address_and_per_ip(client):
    for _ in range(CONFIRMATION_EMAILS.per_address):
        assert subscribe(client).status_code == 200
    capped = subscribe(client)
    assert capped.status_code == 429
    assert "Plusieurs courriels ont déjà été envoyés à cette adresse" in capped.content.decode()
    assert 'value="lea@atelier.fr"' in capped.content.decode()
    assert Email.objects.filter(to=["lea@atelier.fr"]).count() == CONFIRMATION_EMAILS.per_address
    for index in range(CONFIRMATION_EMAILS.per_ip - CONFIRMATION_EMAILS.per_address):
        subscribe(client, email=f"abonne{index}@atelier.fr")
    assert subscribe(client, email="encore@atelier.fr").status_code == 429
    assert subscribe(client.__class__(REMOTE_ADDR="192.0.2.9"), email="encore@atelier.fr").status_code == 200
