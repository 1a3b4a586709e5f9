"""The activator space (namespace "francenum": the legal middleware asks for the charter in force before it)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from relais.legal.services import current_terms

from ..enums import EDITABLE, MemberStatus, Status
from ..forms import HandOverForm, InviteForm, LeaveForm, MemberProfileForm, MessageForm, ReengageForm, StructureForm
from ..services import engagement, members, registration, review
from ..services.statistics import last_twelve_months, monthly_figures
from .common import error_text, member_required, referent_required


@member_required
def home(request):
    activator = request.membership.activator
    if activator.status == Status.DRAFT:
        return redirect("activateurs:start")
    return render(
        request,
        "francenum/space/home.html",
        {"membership": request.membership, "activator": activator, "contacts": activator.contacts.rates()},
    )


@member_required
@require_http_methods(["GET", "POST"])
def application(request):
    """The thread with the administration: answer a request for information, with an attachment."""
    activator = request.membership.activator
    form = MessageForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        review.post_message(
            activator=activator,
            author=request.user,
            body=form.cleaned_data["body"],
            from_administration=False,
            attachment=form.cleaned_data["attachment"],
            request=request,
        )
        messages.success(request, "Votre message est envoyé à l'administration France Num.")
        return redirect("francenum:application")
    return render(
        request,
        "francenum/space/application.html",
        {"activator": activator, "thread": activator.messages.select_related("author"), "form": form},
    )


@member_required
@require_http_methods(["GET", "POST"])
def edit_structure(request):
    activator = request.membership.activator
    if activator.status not in EDITABLE:
        return redirect("francenum:home")
    form = StructureForm(request.POST or None, request.FILES or None, instance=activator)
    if form.is_valid():
        data, offers = form.service_data()
        try:
            registration.save_information(activator=activator, actor=request.user, data=data, domains_kinds=offers)
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, "Les informations de la structure sont enregistrées ; la fiche est à jour.")
            return redirect("francenum:home")
    return render(request, "francenum/space/structure.html", {"form": form, "activator": activator})


@member_required
@require_http_methods(["GET", "POST"])
def my_profile(request):
    form = MemberProfileForm(request.POST or None, request.FILES or None, instance=request.membership)
    if form.is_valid():
        members.update_member_profile(member=request.membership, data=form.cleaned_data)
        messages.success(request, "Votre présentation est enregistrée.")
        return redirect("francenum:home")
    return render(request, "francenum/space/profile.html", {"form": form})


@member_required
def contact_requests(request):
    activator = request.membership.activator
    page = Paginator(activator.contacts.order_by("-created_at"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "francenum/space/contacts.html",
        {"page": page, "rates": activator.contacts.rates(), "activator": activator},
    )


@member_required
def statistics(request):
    start, end = last_twelve_months()
    rows = monthly_figures(activators=[request.membership.activator.pk], start=start, end=end)
    peak = max([row.views for row in rows] + [1])
    return render(request, "francenum/space/statistics.html", {"rows": rows, "peak": peak, "start": start, "end": end})


@member_required
def people(request):
    activator = request.membership.activator
    others = (
        activator.members.filter(status=MemberStatus.ACTIVE).exclude(pk=request.membership.pk).select_related("user")
    )
    return render(
        request,
        "francenum/space/members.html",
        {
            "membership": request.membership,
            "people": activator.members.exclude(status=MemberStatus.LEFT).select_related("user"),
            "invitations": activator.invitations.filter(accepted_at__isnull=True),
            "invite_form": InviteForm(),
            "hand_over_form": HandOverForm(members=others),
            "can_hand_over": others.exists(),
        },
    )


@require_POST
@referent_required
def invite(request):
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            members.invite(activator=request.membership.activator, actor=request.user, email=form.cleaned_data["email"])
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, f"Une invitation est envoyée à {form.cleaned_data['email']}.")
    else:
        messages.error(request, "Indiquez une adresse électronique valide.")
    return redirect("francenum:members")


@require_POST
@referent_required
def hand_over(request):
    activator = request.membership.activator
    others = activator.members.filter(status=MemberStatus.ACTIVE).exclude(pk=request.membership.pk)
    form = HandOverForm(request.POST, members=others)
    if form.is_valid():
        try:
            new = members.hand_over(member=request.membership, to=form.cleaned_data["member"])
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, f"{new.user.get_full_name() or new.user.email} est désormais référent.")
    else:
        messages.error(request, "Choisissez un adhérent.")
    return redirect("francenum:members")


@member_required
@require_http_methods(["GET", "POST"])
def leave(request):
    form = LeaveForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            if form.cleaned_data["scope"] == "structure":
                members.unsubscribe_structure(member=request.membership, message=form.cleaned_data["message"])
                messages.success(request, "La structure est désinscrite : sa fiche n'est plus publiée.")
            else:
                members.leave(member=request.membership, message=form.cleaned_data["message"])
                messages.success(request, "Vous êtes désinscrit du programme France Num.")
        except ValidationError as error:
            form.add_error("scope", error_text(error))
        else:
            return redirect("core:home")
    return render(request, "francenum/space/leave.html", {"form": form, "membership": request.membership})


@member_required
@require_http_methods(["GET", "POST"])
def engagement_view(request):
    activator = request.membership.activator
    form = ReengageForm(request.POST if request.method == "POST" else None)
    if form.is_valid() and activator.status == Status.VALIDATED:
        engagement.reengage(activator=activator, actor=request.user, request=request)
        messages.success(request, "Votre structure est réengagée pour 24 mois.")
        return redirect("francenum:home")
    return render(
        request,
        "francenum/space/engagement.html",
        {"form": form, "activator": activator, "charter": current_terms("francenum")},
    )
