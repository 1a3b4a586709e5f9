"""The public side: "Trouver un activateur", profiles, contact form, acknowledgement and survey links, open data."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from relais.core.ratelimit import RateLimit, client_ip
from relais.core.uploads import file_response
from relais.territories.models import Department, Region

from .. import directory, opendata
from ..enums import Category, Domain, Kind, MemberStatus, ServiceKind, Status
from ..forms import ContactForm, DirectoryForm, SurveyAnswerForm
from ..models import Activator, ActivatorMember, Invitation
from ..services import contacts, members, survey
from ..services.statistics import record_view
from .common import error_text

CONTACTS_PER_IP = RateLimit("francenum-contact-ip", 5, 60 * 60)
CONTACTS_PER_ADDRESS = RateLimit("francenum-contact-address", 5, 60 * 60)


def _options(choices) -> str:
    """The <option> elements, written here: 120 options through the template language cost milliseconds."""
    return format_html_join("", '<option value="{}">{}</option>', choices)


def _places() -> tuple[str, str]:
    """The options of the régions and départements, read and written at most once an hour per process."""

    def read():
        return (
            _options(Region.objects.order_by("name").values_list("insee_code", "name")),
            _options(
                (code, f"{code} — {name}")
                for code, name in Department.objects.order_by("insee_code").values_list("insee_code", "name")
            ),
        )

    return cache.get_or_set("francenum:directory:place-options", read, 60 * 60)


# The options of the fixed lists, written once.
DOMAIN_OPTIONS = _options(Domain.choices)
SERVICE_KIND_OPTIONS = _options(ServiceKind.choices)
KIND_OPTIONS = _options(Kind.choices)
CATEGORY_OPTIONS = _options(Category.choices)


def _selected(options: str, value: str) -> str:
    """`options` with the one of `value` selected (none when no option has that value)."""
    if not value:
        return options
    option = format_html('<option value="{}">', value)
    return mark_safe(options.replace(option, option[:-1] + " selected>", 1))


def _selects(form) -> list[dict]:
    regions, departments = _places()
    selects = [
        {"name": "domaine", "label": "Domaine", "empty": "Tous", "options": DOMAIN_OPTIONS, "width": 4},
        {
            "name": "prestation",
            "label": "Type de prestation",
            "empty": "Tous",
            "options": SERVICE_KIND_OPTIONS,
            "width": 3,
        },
        {"name": "region", "label": "Région", "empty": "Toutes", "options": regions, "width": 3},
        {"name": "departement", "label": "Département", "empty": "Tous", "options": departments, "width": 2},
        {"name": "type", "label": "Type de structure", "empty": "Tous", "options": KIND_OPTIONS, "width": 2},
        {"name": "categorie", "label": "Catégorie", "empty": "Toutes", "options": CATEGORY_OPTIONS, "width": 2},
    ]
    for select in selects:
        select["options"] = _selected(select["options"], form.data.get(select["name"], ""))
    return selects


@login_not_required
def directory_view(request):
    form = DirectoryForm(request.GET or None)
    results = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            page_number = max(1, int(request.GET.get("page", 1)))
        except ValueError:
            page_number = 1
        filters = directory.Filters(
            place=data["lieu"].strip(),
            department=data["departement"],
            region=data["region"],
            domain=data["domaine"],
            service_kind=data["prestation"],
            kind=data["type"],
            category=data["categorie"],
            text=data["q"].strip(),
            page=page_number,
        )
        results = directory.search(filters)
    elif not form.is_bound:
        results = directory.search(directory.Filters())
    context = {
        "form": form,
        "results": results,
        "selects": _selects(form),
        "filters": {"lieu": form.data.get("lieu", ""), "q": form.data.get("q", "")},
    }
    return render(request, "francenum/public/directory.html", context)


def _published(slug: str) -> Activator:
    return get_object_or_404(
        Activator.objects.filter(status=Status.VALIDATED).select_related("region", "department", "commune"), slug=slug
    )


def _profile_context(activator: Activator, contact_form=None) -> dict:
    offers = list(activator.offers.all())
    grid = [
        {
            "domain": label,
            "kinds": [
                kind_label
                for kind, kind_label in ServiceKind.choices
                if (domain, kind) in {(o.domain, o.service_kind) for o in offers}
            ],
        }
        for domain, label in Domain.choices
        if any(o.domain == domain for o in offers)
    ]
    people = activator.members.filter(status=MemberStatus.ACTIVE).select_related("user")
    return {
        "activator": activator,
        "offers": grid,
        "people": people,
        "regions": activator.served_regions.all(),
        "departments": activator.served_departments.all(),
        "communes": activator.served_communes.all()[:50],
        "contact_form": contact_form or ContactForm(),
    }


@login_not_required
def profile(request, slug):
    activator = _published(slug)
    record_view(activator=activator, user_agent=request.META.get("HTTP_USER_AGENT", ""))
    return render(request, "francenum/public/profile.html", _profile_context(activator))


@login_not_required
@require_POST
def contact(request, slug):
    activator = _published(slug)
    form = ContactForm(request.POST)
    ip = client_ip(request)
    if form.is_valid():
        if form.cleaned_data["website"]:
            # A robot filled the hidden field: it is told the same as a person, and nothing is sent.
            messages.success(request, "Votre message est envoyé à la structure.")
            return redirect("activateurs:profile", slug=activator.slug)
        email = form.cleaned_data["email"]
        if CONTACTS_PER_IP.exceeded(ip) or CONTACTS_PER_ADDRESS.exceeded(email):
            form.add_error(None, "Trop de messages envoyés depuis votre connexion : réessayez dans une heure.")
        else:
            CONTACTS_PER_IP.hit(ip)
            CONTACTS_PER_ADDRESS.hit(email)
            contacts.create_contact(activator=activator, data=form.contact_data())
            messages.success(
                request,
                "Votre message est envoyé à la structure. Elle s'engage à en accuser réception sous 48 heures "
                "ouvrées ; vous en serez informé par courriel.",
            )
            return redirect("activateurs:profile", slug=activator.slug)
    context = _profile_context(activator, contact_form=form)
    return render(request, "francenum/public/profile.html", {**context, "form": form}, status=400)


@login_not_required
def logo(request, slug):
    activator = _published(slug)
    if not activator.logo:
        raise Http404
    return file_response(
        activator.logo,
        filename=f"logo-{activator.slug}.{activator.logo.name.rsplit('.', 1)[-1]}",
        inline=True,
        public=True,
    )


@login_not_required
def member_photo(request, slug, member_id):
    activator = _published(slug)
    member = get_object_or_404(ActivatorMember, activator=activator, public_id=member_id, status=MemberStatus.ACTIVE)
    if not member.photo:
        raise Http404
    return file_response(
        member.photo, filename=f"photo.{member.photo.name.rsplit('.', 1)[-1]}", inline=True, public=True
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def acknowledge(request, token):
    """The member's link: the contact is shown, one button acknowledges it (a button rather than the link
    itself, so that mail scanners opening links do not acknowledge in the member's place)."""
    try:
        contact, member = contacts.read_token(token)
    except contacts.InvalidLink as error:
        return render(request, "francenum/public/acknowledge_invalid.html", {"error": str(error)}, status=404)
    done = False
    if request.method == "POST":
        done = contacts.acknowledge(contact=contact, member=member)
        if not done:
            messages.info(request, "Cette prise de contact avait déjà fait l'objet d'un accusé de réception.")
    return render(request, "francenum/public/acknowledge.html", {"contact": contact, "member": member, "done": done})


@login_not_required
def open_data(request, fmt):
    content = opendata.open_data(fmt)
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else "application/json; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="activateurs-france-num.{fmt}"'
    response["Cache-Control"] = "public, max-age=600"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_not_required
@require_http_methods(["GET", "POST"])
def survey_answer(request, token):
    try:
        campaign, member = survey.read_survey_token(token)
    except survey.InvalidSurveyLink as error:
        return render(request, "francenum/public/acknowledge_invalid.html", {"error": str(error)}, status=404)
    answered = survey.has_answered(campaign=campaign, member=member)
    form = SurveyAnswerForm(request.POST or None)
    if not answered and survey.is_open(campaign) and form.is_valid():
        try:
            survey.answer(campaign=campaign, member=member, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            answered = True
            messages.success(request, "Merci : votre réponse est enregistrée.")
    return render(
        request,
        "francenum/public/survey.html",
        {"form": form, "campaign": campaign, "answered": answered, "open": survey.is_open(campaign)},
    )


@require_http_methods(["GET", "POST"])
def invitation(request, public_id):
    invitation = get_object_or_404(Invitation.objects.select_related("activator"), public_id=public_id)
    error = ""
    if invitation.email.lower() != request.user.email.lower():
        raise Http404
    if request.method == "POST":
        try:
            members.accept_invitation(invitation=invitation, user=request.user)
        except ValidationError as exc:
            error = error_text(exc)
        else:
            messages.success(request, f"Vous êtes adhérent de {invitation.activator.name}.")
            return redirect("francenum:profile")
    return render(request, "francenum/public/invitation.html", {"invitation": invitation, "error": error})
