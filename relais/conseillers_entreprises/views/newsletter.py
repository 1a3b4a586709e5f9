"""Newsletter pages: subscribe (double opt-in), confirm, unsubscribe. Links from emails lead to a page with a
button, because mail scanners follow links: a GET must not confirm nor unsubscribe anyone."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from relais.core.ratelimit import client_ip

from ..forms.public import NewsletterForm
from ..models import NewsletterSubscription
from ..services import newsletter


@login_not_required
@require_http_methods(["GET", "POST"])
def subscribe(request):
    form = NewsletterForm(request.POST or None)
    sent_to = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if refusal := newsletter.CONFIRMATION_EMAILS.refusal(email=email, ip=client_ip(request)):
            form.add_error("email", refusal)
            status = 429
        else:
            sent_to = newsletter.request_subscription(email=email).email
            form = NewsletterForm()
    return render(
        request,
        "conseillers_entreprises/public/newsletter_subscribe.html",
        {"form": form, "sent_to": sent_to},
        status=status,
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def confirm(request, public_id):
    subscription = get_object_or_404(NewsletterSubscription, public_id=public_id)
    if request.method == "POST":
        newsletter.confirm_subscription(subscription=subscription)
        subscription.refresh_from_db()
    return render(request, "conseillers_entreprises/public/newsletter_confirm.html", {"subscription": subscription})


@login_not_required
@require_http_methods(["GET", "POST"])
def unsubscribe(request, public_id):
    subscription = get_object_or_404(NewsletterSubscription, public_id=public_id)
    if request.method == "POST":
        newsletter.unsubscribe(subscription=subscription)
        subscription.refresh_from_db()
    return render(request, "conseillers_entreprises/public/newsletter_unsubscribe.html", {"subscription": subscription})
