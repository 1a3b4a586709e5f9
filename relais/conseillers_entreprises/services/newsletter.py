"""Newsletter with double opt-in (seed 000 §4.3): an address receives issues only after following the link sent to
it, and every issue carries its own unsubscribe link."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from relais.core.ratelimit import EmailCap
from relais.notifications.services import queue_email

from ..models import NewsletterSubscription

# Each confirmation request emails the address typed: capped, so that the form cannot flood a mailbox.
CONFIRMATION_EMAILS = EmailCap("newsletter-confirmation", per_address=3, per_ip=20)


@transaction.atomic
def request_subscription(*, email: str) -> NewsletterSubscription:
    """Send the confirmation link, unless the address is already a confirmed subscriber.

    The answer to the visitor is the same either way, so the form does not tell who is subscribed.
    """
    email = email.strip().lower()
    subscription, _ = NewsletterSubscription.objects.select_for_update(of=("self",)).get_or_create(email=email)
    if subscription.confirmed_at and not subscription.unsubscribed_at:
        return subscription
    if subscription.unsubscribed_at:
        # Coming back after unsubscribing starts a new opt-in: the old confirmation no longer counts.
        subscription.unsubscribed_at = None
        subscription.confirmed_at = None
        subscription.save(update_fields=["unsubscribed_at", "confirmed_at", "updated_at"])
    queue_email(
        to=[subscription.email],
        template="conseillers_entreprises/emails/newsletter_confirm",
        context={
            "confirm_path": reverse("conseillers_entreprises:newsletter_confirm", args=[subscription.public_id]),
        },
    )
    return subscription


@transaction.atomic
def confirm_subscription(*, subscription: NewsletterSubscription) -> None:
    subscription = NewsletterSubscription.objects.select_for_update(of=("self",)).get(pk=subscription.pk)
    if subscription.confirmed_at and not subscription.unsubscribed_at:
        return
    subscription.confirmed_at = timezone.now()
    subscription.unsubscribed_at = None
    subscription.save(update_fields=["confirmed_at", "unsubscribed_at", "updated_at"])


def unsubscribe(*, subscription: NewsletterSubscription) -> None:
    NewsletterSubscription.objects.filter(pk=subscription.pk, unsubscribed_at__isnull=True).update(
        unsubscribed_at=timezone.now(), updated_at=timezone.now()
    )


def subscribers():
    return NewsletterSubscription.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)


@transaction.atomic
def send_newsletter_issue(*, subject: str, text: str, html: str) -> int:
    """Queue one email per confirmed subscriber, each with its own unsubscribe link; returns how many."""
    count = 0
    for subscription in subscribers().only("pk", "email", "public_id").iterator():
        queue_email(
            to=[subscription.email],
            template="conseillers_entreprises/emails/newsletter_issue",
            context={
                "issue_subject": subject,
                "issue_text": text,
                "issue_html": html,
                "unsubscribe_path": reverse(
                    "conseillers_entreprises:newsletter_unsubscribe", args=[subscription.public_id]
                ),
            },
        )
        count += 1
    return count
