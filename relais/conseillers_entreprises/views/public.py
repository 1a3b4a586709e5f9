"""Public pages where a company files its request without an account: landing → theme → subject → form.

A landing marked `iframe_allowed` may be framed by its partner's site only: its pages drop X-Frame-Options and
set the CSP `frame-ancestors` to the partner's origin. Every other page keeps DENY and `frame-ancestors 'none'`.
"""

import uuid
from urllib.parse import urlsplit

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_http_methods

from relais.companies.validators import validate_siret
from relais.core.ratelimit import client_ip

from ..enums import SolicitationStatus
from ..forms.public import SolicitationForm
from ..models import Landing, Solicitation, Subject, Theme
from ..services import filing
from ..taxonomy import OTHER_NEED_SLUG

PREFILL_FIELDS = ("email", "siret", "first_name", "last_name", "phone")


def partner_origin(landing: Landing) -> str:
    parts = urlsplit(landing.partner_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def _framed(landing: Landing | None, response):
    """Let the landing's partner, and it alone, show this response in an iframe."""
    origin = partner_origin(landing) if landing and landing.iframe_allowed else ""
    if not origin:
        return response
    # The decorators are applied to this one response because the allowed origin depends on the landing.
    return xframe_options_exempt(csp_replace({"frame-ancestors": [origin]})(lambda: response))()


def _landing(slug: str) -> Landing:
    return get_object_or_404(Landing, slug=slug, is_active=True)


def _themes(landing: Landing):
    themes = landing.themes.all() if landing.themes.exists() else Theme.objects.all()
    open_subjects = Q(subjects__is_archived=False, subjects__is_other_need=False)
    return (
        themes.filter(is_archived=False)
        .annotate(subject_count=Count("subjects", filter=open_subjects))
        .filter(subject_count__gt=0)
        .order_by("position", "label")
    )


@login_not_required
def landing_home(request, landing_slug):
    landing = _landing(landing_slug)
    themes = _themes(landing)
    return _framed(
        landing, render(request, "conseillers_entreprises/public/landing.html", {"landing": landing, "themes": themes})
    )


@login_not_required
def theme_subjects(request, landing_slug, theme_slug):
    landing = _landing(landing_slug)
    theme = get_object_or_404(_themes(landing), slug=theme_slug)
    subjects = theme.subjects.filter(is_archived=False, is_other_need=False).order_by("position", "label")
    return _framed(
        landing,
        render(
            request,
            "conseillers_entreprises/public/theme.html",
            {"landing": landing, "theme": theme, "subjects": subjects},
        ),
    )


def _open_subject(landing: Landing, slug: str) -> Subject:
    subjects = Subject.objects.select_related("theme").prefetch_related("questions")
    subject = get_object_or_404(subjects, slug=slug, is_archived=False)
    offered = landing.themes.filter(pk=subject.theme_id).exists() or not landing.themes.exists()
    if not subject.is_other_need and (subject.theme.is_archived or not offered):
        raise Http404("Ce sujet n’est pas proposé sur cette page.")
    return subject


def _initial(request, *, landing: Landing) -> dict:
    initial = {name: request.GET[name][:200] for name in PREFILL_FIELDS if request.GET.get(name)}
    referer = request.META.get("HTTP_REFERER", "")
    origin = request.GET.get("origin") or (referer if urlsplit(referer).netloc != request.get_host() else "")
    initial["origin_url"] = origin[:500] if origin.startswith(("http://", "https://")) else ""
    initial["submission_token"] = uuid.uuid4()
    return initial


def _handle_form(request, *, landing: Landing, subject: Subject, draft: Solicitation | None = None):
    questions = list(subject.questions.all())
    if request.method == "POST":
        form = SolicitationForm(request.POST, subject=subject, questions=questions)
        status = 200
        saving_draft = request.POST.get("action") == "draft"
        valid = form.is_valid_draft() if saving_draft else form.is_valid()
        if valid and filing.intake_limit().exceeded(client_ip(request)):
            form.add_error(
                None,
                "Trop de demandes ont été envoyées depuis votre connexion. Réessayez dans "
                f"{filing.intake_limit().minutes} minutes : ce que vous avez saisi est conservé.",
            )
            valid, status = False, 429
        if valid and saving_draft:
            solicitation, still_draft = filing.save_draft(
                landing=landing,
                subject=subject,
                submission_token=form.draft_token(),
                data=form.draft_data(),
                answers=form.draft_answers(),
                ip=client_ip(request),
            )
            if not still_draft:
                return redirect("conseillers_entreprises:filing_confirmation", solicitation.public_id)
            messages.success(
                request,
                f"Votre demande est enregistrée. Un lien pour la reprendre a été envoyé à {solicitation.email}.",
            )
            return redirect("conseillers_entreprises:filing_resume", solicitation.public_id)
        if valid:
            solicitation, _ = filing.submit_solicitation(
                landing=landing,
                subject=subject,
                submission_token=form.cleaned_data["submission_token"],
                data=form.filing_data(),
                answers=form.answers(),
                ip=client_ip(request),
            )
            return redirect("conseillers_entreprises:filing_confirmation", solicitation.public_id)
    elif draft is not None:
        initial = {name: getattr(draft, name) for name in (*PREFILL_FIELDS, "description", "origin_url")}
        initial["submission_token"] = draft.submission_token
        for answer in draft.answers.select_related("question"):
            initial[f"question_{answer.question.key}"] = "oui" if answer.answer else "non"
        form = SolicitationForm(initial=initial, subject=subject, questions=questions)
        status = 200
    else:
        form = SolicitationForm(initial=_initial(request, landing=landing), subject=subject, questions=questions)
        status = 200
    context = {
        "landing": landing,
        "subject": subject,
        "form": form,
        "draft": draft,
        **_establishment_notice(form),
    }
    return _framed(landing, render(request, "conseillers_entreprises/public/form.html", context, status=status))


def _establishment_notice(form: SolicitationForm) -> dict:
    """The establishment behind a valid SIRET (typed, prefilled or saved in a draft), or why it is unknown."""
    if form.is_bound:
        return {"establishment": form.establishment, "registry_warning": form.registry_warning}
    try:
        siret = validate_siret(form.initial.get("siret") or "")
    except ValidationError:
        return {"establishment": None, "registry_warning": ""}
    lookup = filing.lookup_establishment(siret=siret)
    return {"establishment": lookup.establishment, "registry_warning": lookup.warning}


@login_not_required
@require_http_methods(["GET", "POST"])
def file_request(request, landing_slug, subject_slug):
    landing = _landing(landing_slug)
    return _handle_form(request, landing=landing, subject=_open_subject(landing, subject_slug))


@login_not_required
@require_http_methods(["GET", "POST"])
def file_other_need(request, landing_slug):
    landing = _landing(landing_slug)
    return _handle_form(request, landing=landing, subject=_open_subject(landing, OTHER_NEED_SLUG))


@login_not_required
@require_http_methods(["GET", "POST"])
def filing_resume(request, public_id):
    solicitation = get_object_or_404(
        Solicitation.objects.select_related("landing", "subject__theme"), public_id=public_id
    )
    if solicitation.status != SolicitationStatus.DRAFT:
        return redirect("conseillers_entreprises:filing_confirmation", solicitation.public_id)
    landing = solicitation.landing or _landing("accueil")
    subject = Subject.objects.prefetch_related("questions").select_related("theme").get(pk=solicitation.subject_id)
    return _handle_form(request, landing=landing, subject=subject, draft=solicitation)


@login_not_required
def filing_confirmation(request, public_id):
    solicitation = get_object_or_404(
        Solicitation.objects.select_related("landing", "subject").exclude(status=SolicitationStatus.DRAFT),
        public_id=public_id,
    )
    return _framed(
        solicitation.landing,
        render(request, "conseillers_entreprises/public/confirmation.html", {"solicitation": solicitation}),
    )
