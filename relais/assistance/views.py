from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from relais.core.ratelimit import client_ip

from .forms import ContactForm
from .services import CONTACT_EMAILS, send_contact_message


@login_not_required
def help_page(request):
    return render(request, "assistance/help.html")


@login_not_required
@require_http_methods(["GET", "POST"])
def contact(request):
    initial = {}
    if request.user.is_authenticated:
        initial = {"name": request.user.get_full_name(), "email": request.user.email}
    form = ContactForm(request.POST or None, initial=initial)
    limited = False
    if request.method == "POST" and form.is_valid():
        refusal = CONTACT_EMAILS.refusal(email=form.cleaned_data["email"], ip=client_ip(request))
        if refusal:
            form.add_error("email", refusal)
            limited = True
        else:
            if not form.is_spam():
                with transaction.atomic():
                    send_contact_message(
                        name=form.cleaned_data["name"],
                        email=form.cleaned_data["email"],
                        siren=form.cleaned_data["siren"] or "",
                        category=form.cleaned_data["category"],
                        message=form.cleaned_data["message"],
                    )
            # A robot caught by the honeypot sees the same confirmation: nothing tells it it was caught.
            return redirect("assistance:contact_sent")
    return render(request, "assistance/contact.html", {"form": form}, status=429 if limited else 200)


@login_not_required
def contact_sent(request):
    return render(request, "assistance/contact_sent.html")
