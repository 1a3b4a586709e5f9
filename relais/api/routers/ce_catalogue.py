"""Conseillers-Entreprises, what a partner offers: its landings, their themes and subjects (scope `ce:read`)."""

from urllib.parse import urlsplit

from django.core.cache import cache
from django.shortcuts import get_object_or_404
from ninja import Field as NinjaField
from ninja import Query, Router, Schema

from relais.conseillers_entreprises.enums import LandingIntegration
from relais.conseillers_entreprises.models import Landing
from relais.conseillers_entreprises.services.landings import offered_subjects, offered_themes

from ..auth import partner_key
from ..enums import Scope
from ..errors import ApiError, ErrorsOut
from ..representations import landing_out, subject_out
from ..schemas.conseillers_entreprises import LandingList, LandingOut, SubjectList, SubjectOut, Text, ThemeList
from ..scoping import partner_landings, subjects_with_details, with_offer

router = Router(tags=["Conseillers-Entreprises : pages d’accueil, thèmes et sujets"], auth=partner_key(Scope.CE_READ))

CATALOGUE_CACHE_SECONDS = 60
ERRORS = {401: ErrorsOut, 403: ErrorsOut, 422: ErrorsOut, 429: ErrorsOut}
ERRORS_404 = {**ERRORS, 404: ErrorsOut}


def own_landing(request, slug: str, *, source: str = "landing") -> Landing:
    landing = partner_landings(request.auth).filter(slug=slug).first()
    if landing is None:
        raise ApiError(404, "Aucune de vos pages d’accueil n’a cet identifiant.", source=source)
    return landing


class LandingSearch(Schema):
    url: Text | None = NinjaField(None, max_length=500, description="Adresse d’une page de votre site.")
    slug: Text | None = NinjaField(None, max_length=100, description="Identifiant de la page d’accueil.")


@router.get(
    "/landings",
    operation_id="list_landings",
    response={200: LandingList, **ERRORS},
    summary="Lister vos pages d’accueil",
    description="Les pages d’accueil de votre institution, actives ou en pause (les pages archivées n’y sont pas).",
)
def list_landings(request):
    landings = [landing_out(landing) for landing in with_offer(partner_landings(request.auth))]
    return {"count": len(landings), "results": landings}


@router.get(
    "/landings/search",
    operation_id="search_landings",
    response={200: LandingList, **ERRORS},
    summary="Chercher une page d’accueil par adresse ou par identifiant",
    description="`url` : les pages dont le site partenaire a la même origine (schéma et domaine) que cette adresse. "
    "`slug` : la page qui a cet identifiant. Les deux critères se cumulent ; sans critère, toutes vos pages.",
)
def search_landings(request, filters: Query[LandingSearch]):
    landings = with_offer(partner_landings(request.auth))
    if filters.slug:
        landings = landings.filter(slug=filters.slug)
    results = list(landings)
    if filters.url:
        wanted = urlsplit(filters.url.strip())
        results = [
            landing
            for landing in results
            if (parts := urlsplit(landing.partner_url)).netloc
            and parts.netloc.lower() == wanted.netloc.lower()
            and parts.scheme == wanted.scheme
        ]
    return {"count": len(results), "results": [landing_out(landing) for landing in results]}


@router.get(
    "/landings/{slug}",
    operation_id="get_landing",
    response={200: LandingOut, **ERRORS_404},
    summary="Lire une page d’accueil",
    description="Une de vos pages d’accueil ; celle d’un autre partenaire répond 404.",
)
def get_landing(request, slug: Text):
    own_landing(request, slug, source="slug")
    return landing_out(with_offer(partner_landings(request.auth)).get(slug=slug))


class ThemeFilter(Schema):
    landing: Text = NinjaField(max_length=100, description="Identifiant d’une de vos pages d’accueil.")


@router.get(
    "/landing_themes",
    operation_id="list_landing_themes",
    response={200: ThemeList, **ERRORS_404},
    summary="Lister les thèmes d’une page d’accueil",
    description="Les thèmes ouverts proposés sur la page, avec le nombre de sujets de chacun. Une page en mode "
    "`subjects` ou `form` propose ses sujets sans thème : la liste est alors vide.",
)
def list_landing_themes(request, filters: Query[ThemeFilter]):
    landing = own_landing(request, filters.landing)
    if landing.integration not in (LandingIntegration.SERVICE, LandingIntegration.THEME):
        return {"count": 0, "results": []}
    themes = [
        {"slug": t.slug, "label": t.label, "description": t.description, "subject_count": t.subject_count}
        for t in offered_themes(landing)
    ]
    return {"count": len(themes), "results": themes}


class SubjectFilter(Schema):
    landing: Text = NinjaField(max_length=100, description="Identifiant d’une de vos pages d’accueil.")
    theme: Text | None = NinjaField(None, max_length=100, description="Ne garder que les sujets de ce thème.")


@router.get(
    "/landing_subjects",
    operation_id="list_landing_subjects",
    response={200: SubjectList, **ERRORS_404},
    summary="Lister les sujets d’une page d’accueil",
    description="Chaque sujet sur lequel une entreprise peut déposer une demande depuis la page : ses questions "
    "complémentaires (oui ou non), l’exigence du SIRET, les institutions partenaires qui le traitent et l’adresse "
    "du formulaire. La liste peut avoir jusqu’à une minute de retard sur un changement des sujets.",
)
def list_landing_subjects(request, filters: Query[SubjectFilter]):
    landing = own_landing(request, filters.landing)

    def build() -> list[dict]:
        subjects = offered_subjects(landing)
        if filters.theme:
            subjects = subjects.filter(theme__slug=filters.theme)
        return [subject_out(subject, landing) for subject in subjects_with_details(subjects)]

    # Partners' sites read this list on each of their pages: it is kept a minute (a change of the landing itself
    # shows at once, through its updated_at; a change of the taxonomy or of the directory within the minute).
    key = f"api:landing-subjects:{landing.pk}:{landing.updated_at.timestamp()}:{filters.theme or ''}"
    results = cache.get_or_set(key, build, CATALOGUE_CACHE_SECONDS)
    return {"count": len(results), "results": results}


class OneSubjectFilter(Schema):
    landing: Text = NinjaField(max_length=100, description="Identifiant d’une de vos pages d’accueil.")


@router.get(
    "/landing_subjects/{slug}",
    operation_id="get_landing_subject",
    response={200: SubjectOut, **ERRORS_404},
    summary="Lire un sujet d’une page d’accueil (recherche par identifiant)",
    description="Le sujet qui a cet identifiant, s’il est proposé sur la page ; sinon 404.",
)
def get_landing_subject(request, slug: Text, filters: Query[OneSubjectFilter]):
    landing = own_landing(request, filters.landing)
    subject = get_object_or_404(subjects_with_details(offered_subjects(landing)), slug=slug)
    return subject_out(subject, landing)
