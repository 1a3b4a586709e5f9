"""Public pages where a company files its request without an account: landing → theme → subject → form.

A landing marked `iframe_allowed` may be framed by its partner only: its pages drop X-Frame-Options and set the
CSP `frame-ancestors` to the partner site's origin and to the origins its institution declared. Every other page
keeps DENY and `frame-ancestors 'none'`.

A landing opens on the whole service, one theme, a list of subjects or one form (`Landing.integration`); a paused
landing stays online but takes no request; an archived one (`is_active` unchecked) is gone. The prefill parameters
of the partner's link (SIRET, names, email, phone, campaign, origin) follow the company from page to page.
"""

import uuid
from urllib.parse import urlencode, urlsplit

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_http_methods

from relais.companies.validators import validate_siret
from relais.core.http import bad_request_on_oversized_data
from relais.core.ratelimit import client_ip

from ..enums import LandingIntegration, SolicitationStatus
from ..forms.public import TRACKING_FIELDS, TRACKING_MAX_LENGTH, SolicitationForm, safe_origin_url
from ..models import Landing, Solicitation, Subject, Theme
from ..services import company_followup as company_followup_service
from ..services import filing
from ..services.landings import offered_subjects, offered_themes
from ..taxonomy import OTHER_NEED_SLUG

PREFILL_FIELDS = ("email", "siret", "first_name", "last_name", "phone")
HOME_LANDING = "accueil"


def partner_origin(landing: Landing) -> str:
    parts = urlsplit(landing.partner_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def frame_origins(landing: Landing) -> list[str]:
    """The origins allowed to frame the landing: its partner's site, then its institution's declared sites."""
    if not landing.iframe_allowed:
        return []
    origins = [partner_origin(landing)]
    if landing.institution is not None:
        origins += landing.institution.iframe_origins
    return list(dict.fromkeys(origin for origin in origins if origin))


def _framed(landing: Landing | None, response):
    """Let the landing's partner, and it alone, show this response in an iframe."""
    origins = frame_origins(landing) if landing else []
    if not origins:
        return response
    # The decorators are applied to this one response because the allowed origins depend on the landing.
    return xframe_options_exempt(csp_replace({"frame-ancestors": origins})(lambda: response))()


def _landing(slug: str) -> Landing:
    return get_object_or_404(Landing.objects.select_related("institution"), slug=slug, is_active=True)


def _origin(request) -> str:
    """The partner's page the company came from: the `origin` parameter, else an outside referrer."""
    referer = request.META.get("HTTP_REFERER", "")
    origin = request.GET.get("origin") or (referer if urlsplit(referer).netloc != request.get_host() else "")
    return safe_origin_url(origin)


def _prefill_query(request) -> str:
    """The prefill parameters of this request, to carry them to the next page of the landing."""
    names = (*PREFILL_FIELDS, *TRACKING_FIELDS)
    params = {name: request.GET[name][:TRACKING_MAX_LENGTH] for name in names if request.GET.get(name)}
    if origin := _origin(request):
        params["origin"] = origin
    return urlencode(params)


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def _render_landing(request, landing: Landing, template: str, context: dict, status: int = 200):
    context = {"landing": landing, "prefill_query": _prefill_query(request), **context}
    return _framed(landing, render(request, template, context, status=status))


def _paused(request, landing: Landing):
    home = reverse("conseillers_entreprises:landing", args=[HOME_LANDING])
    return _render_landing(request, landing, "conseillers_entreprises/public/paused.html", {"home_url": home})


@login_not_required
@bad_request_on_oversized_data
def landing_home(request, landing_slug):
    landing = _landing(landing_slug)
    if landing.is_paused:
        return _paused(request, landing)
    if landing.integration == LandingIntegration.FORM:
        subject = offered_subjects(landing).first()
        if subject is None:
            raise Http404("Aucun formulaire n’est proposé sur cette page.")
        url = reverse("conseillers_entreprises:file_request", args=[landing.slug, subject.slug])
        return redirect(_with_query(url, _prefill_query(request)))
    if landing.integration == LandingIntegration.THEME:
        theme = offered_themes(landing).first()
        if theme is None:
            raise Http404("Aucun thème n’est proposé sur cette page.")
        return _theme_page(request, landing, theme)
    if landing.integration == LandingIntegration.SUBJECTS:
        context = {"theme": None, "subjects": offered_subjects(landing).select_related("theme")}
        return _render_landing(request, landing, "conseillers_entreprises/public/theme.html", context)
    return _render_landing(
        request, landing, "conseillers_entreprises/public/landing.html", {"themes": offered_themes(landing)}
    )


def _theme_page(request, landing: Landing, theme: Theme):
    subjects = theme.subjects.filter(is_archived=False, is_other_need=False).order_by("position", "label")
    context = {"theme": theme, "subjects": subjects}
    return _render_landing(request, landing, "conseillers_entreprises/public/theme.html", context)


@login_not_required
@bad_request_on_oversized_data
def theme_subjects(request, landing_slug, theme_slug):
    landing = _landing(landing_slug)
    if landing.is_paused:
        return _paused(request, landing)
    if landing.integration not in (LandingIntegration.SERVICE, LandingIntegration.THEME):
        raise Http404("Cette page propose ses sujets sans thématique.")
    return _theme_page(request, landing, get_object_or_404(offered_themes(landing), slug=theme_slug))


def _open_subject(landing: Landing, slug: str) -> Subject:
    subjects = offered_subjects(landing).select_related("theme").prefetch_related("questions")
    return get_object_or_404(subjects, slug=slug)


def _back_url(landing: Landing, subject: Subject, query: str) -> str:
    """Where « Retour » leads: the page that listed the subject; none when the landing is this one form."""
    if landing.integration == LandingIntegration.FORM:
        return ""
    if subject.is_other_need or landing.integration != LandingIntegration.SERVICE:
        return _with_query(reverse("conseillers_entreprises:landing", args=[landing.slug]), query)
    return _with_query(reverse("conseillers_entreprises:theme", args=[landing.slug, subject.theme.slug]), query)


def _initial(request, *, landing: Landing) -> dict:
    names = (*PREFILL_FIELDS, *TRACKING_FIELDS)
    initial = {name: request.GET[name][:TRACKING_MAX_LENGTH] for name in names if request.GET.get(name)}
    initial["origin_url"] = _origin(request)
    initial["submission_token"] = uuid.uuid4()
    return initial


def _handle_form(request, *, landing: Landing, subject: Subject, draft: Solicitation | None = None):
    if landing.is_paused:
        return _paused(request, landing)
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
        initial |= {name: value for name, value in draft.tracking.items() if name in TRACKING_FIELDS}
        initial["submission_token"] = draft.submission_token
        for answer in draft.answers.select_related("question"):
            initial[f"question_{answer.question.key}"] = "oui" if answer.answer else "non"
        form = SolicitationForm(initial=initial, subject=subject, questions=questions)
        status = 200
    else:
        form = SolicitationForm(initial=_initial(request, landing=landing), subject=subject, questions=questions)
        status = 200
    context = {
        "subject": subject,
        "form": form,
        "draft": draft,
        "back_url": _back_url(landing, subject, _prefill_query(request)),
        **_establishment_notice(form),
    }
    return _render_landing(request, landing, "conseillers_entreprises/public/form.html", context, status=status)


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
@bad_request_on_oversized_data
def file_request(request, landing_slug, subject_slug):
    landing = _landing(landing_slug)
    return _handle_form(request, landing=landing, subject=_open_subject(landing, subject_slug))


@login_not_required
@require_http_methods(["GET", "POST"])
@bad_request_on_oversized_data
def file_other_need(request, landing_slug):
    landing = _landing(landing_slug)
    return _handle_form(request, landing=landing, subject=_open_subject(landing, OTHER_NEED_SLUG))


@login_not_required
@require_http_methods(["GET", "POST"])
@bad_request_on_oversized_data
def filing_resume(request, public_id):
    solicitation = get_object_or_404(
        Solicitation.objects.select_related("landing__institution", "subject__theme"), public_id=public_id
    )
    if solicitation.status != SolicitationStatus.DRAFT:
        return redirect("conseillers_entreprises:filing_confirmation", solicitation.public_id)
    landing = solicitation.landing or _landing(HOME_LANDING)
    subject = Subject.objects.prefetch_related("questions").select_related("theme").get(pk=solicitation.subject_id)
    return _handle_form(request, landing=landing, subject=subject, draft=solicitation)


@login_not_required
@bad_request_on_oversized_data
def filing_confirmation(request, public_id):
    solicitation = get_object_or_404(
        Solicitation.objects.select_related("landing__institution", "subject").exclude(status=SolicitationStatus.DRAFT),
        public_id=public_id,
    )
    return _framed(
        solicitation.landing,
        render(request, "conseillers_entreprises/public/confirmation.html", {"solicitation": solicitation}),
    )


@login_not_required
@require_http_methods(["GET", "POST"])
@bad_request_on_oversized_data
def company_followup(request, token):
    """The company's page about its request, from the signed link of its emails."""
    solicitation = company_followup_service.solicitation_from_token(token)
    if solicitation is None:
        return render(request, "conseillers_entreprises/public/followup_invalid.html", status=404)
    needs = company_followup_service.followed_needs(solicitation)
    if request.method == "POST":
        need = next((item.need for item in needs if str(item.need.public_id) == request.POST.get("besoin")), None)
        if need is None:
            return HttpResponseBadRequest("Besoin inconnu.")
        if company_followup_service.report_not_contacted(solicitation=solicitation, need=need):
            messages.success(
                request,
                f"Merci de nous l’avoir signalé : l’équipe du service relance les conseillers pour « {need.subject} ».",
            )
        else:
            messages.info(request, "Ce signalement est déjà enregistré ou n’est pas encore possible.")
        return redirect(request.path)
    now = timezone.now()
    return render(
        request,
        "conseillers_entreprises/public/followup.html",
        {
            "solicitation": solicitation,
            "needs": [(item, item.may_report(now)) for item in needs],
            "report_after_days": company_followup_service.NOT_CONTACTED_BUSINESS_DAYS,
        },
    )
