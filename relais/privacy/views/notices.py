"""Public information: the notices of the services, the cookies page; the processing register for administrators."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from relais.core.spreadsheets import csv_lines

from ..cookies import strictly_necessary_cookies
from ..enums import Service
from ..notices import NOTICES
from ..permissions import may_read_register, requires
from ..registry import registry

SECURITY_MEASURES = (
    "Accès sur compte nominatif, mot de passe robuste, double authentification pour les administrateurs et les "
    "responsables des accès, limitation des tentatives de connexion",
    "Chiffrement des échanges (HTTPS), en-têtes de sécurité, aucun script tiers",
    "Journal d’audit des actions sensibles, conservé 12 mois",
    "Fichiers déposés vérifiés par leur contenu et servis après contrôle des droits",
    "Purge automatique des données arrivées au terme de leur durée de conservation",
)


@login_not_required
def index(request):
    return render(request, "privacy/index.html", {"notices": NOTICES.values()})


@login_not_required
def notice(request, service: str):
    try:
        current = NOTICES[Service(service)]
    except ValueError as error:
        raise Http404 from error
    return render(
        request,
        "privacy/notice.html",
        {
            "notice": current,
            "rules": registry.rules_of(current.service),
            "objections": registry.objections_of(current.service),
            "DPO_EMAIL": settings.DPO_EMAIL,
        },
    )


@login_not_required
def cookies(request):
    return render(request, "privacy/cookies.html", {"cookies": strictly_necessary_cookies()})


def _processings() -> list[dict]:
    return [
        {
            "notice": notice,
            "rules": registry.rules_of(notice.service),
            "objections": registry.objections_of(notice.service),
        }
        for notice in NOTICES.values()
    ]


@requires(may_read_register)
def register(request):
    return render(
        request, "privacy/register.html", {"processings": _processings(), "security_measures": SECURITY_MEASURES}
    )


REGISTER_HEADERS = (
    "Traitement",
    "Responsable de traitement",
    "Délégué à la protection des données",
    "Finalités",
    "Bases légales",
    "Catégories de personnes et de données",
    "Destinataires",
    "Sous-traitants",
    "Durées de conservation",
    "Mesures de sécurité",
)


def _register_row(processing: dict) -> list[str]:
    notice = processing["notice"]
    return [
        notice.name,
        notice.controller,
        notice.dpo or "Délégué à la protection des données de la plateforme (formulaire « Exercer mes droits »)",
        " | ".join(notice.purposes),
        " | ".join(notice.legal_bases),
        " | ".join(f"{persons} : {data}" for persons, data in notice.categories),
        " | ".join(notice.recipients),
        " | ".join(f"{p.name} ({p.processing}, {p.country})" for p in notice.processors),
        " | ".join(
            f"{rule.data} : {rule.period_label} — {rule.action_label} ({rule.source})" for rule in processing["rules"]
        ),
        " | ".join(SECURITY_MEASURES),
    ]


@requires(may_read_register)
def register_csv(request):
    rows = (_register_row(processing) for processing in _processings())
    response = StreamingHttpResponse(csv_lines(REGISTER_HEADERS, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="registre-des-traitements-{timezone.localdate()}.csv"'
    return response
