"""France Num (seed 002 art. 7): the open-data list of the published activators (no key, per-IP quota) and their
full published profiles for the bodies authorised by the DGE (scope `francenum:read`)."""

import datetime
import re
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Prefetch
from django.urls import reverse
from django.utils import timezone
from ninja import Field as NinjaField
from ninja import Query, Router, Schema
from pydantic import BaseModel, Field, field_validator

from relais.francenum import opendata
from relais.francenum.directory import territory_ids
from relais.francenum.enums import Category, Domain, Kind, MemberStatus, Status
from relais.francenum.models import Activator, ActivatorMember, Offer
from relais.francenum.services.publication import OPEN_DATA_CACHE_KEYS

from ..auth import open_data, partner_key
from ..enums import Scope
from ..errors import ApiError, ErrorsOut

router = Router(tags=["France Num : activateurs"])
ERRORS = {401: ErrorsOut, 403: ErrorsOut, 422: ErrorsOut, 429: ErrorsOut}
MAX_PAGE_SIZE = 500
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Page(Schema):
    page: int = NinjaField(1, ge=1, le=100_000, description="Numéro de page, à partir de 1.")
    size: int = NinjaField(100, ge=1, le=MAX_PAGE_SIZE, description=f"Résultats par page ({MAX_PAGE_SIZE} au plus).")


class OpenDataRow(BaseModel):
    identifiant: str = Field(description="Identifiant de la structure (stable).")
    nom: str
    type: str = Field(description="Type de structure (agence, ESN, indépendant…).")
    categorie: str = Field(description="Privée ou Publique.")
    adresse: str
    code_postal: str
    ville: str
    region: str
    fiche: str = Field(description="Adresse de la fiche publique.")


class OpenDataPage(BaseModel):
    count: int = Field(description="Nombre total de structures publiées.")
    results: list[OpenDataRow]


class OfferOut(BaseModel):
    domaine: str
    prestation: str


class MemberOut(BaseModel):
    nom: str
    fonction: str
    courriel: str
    telephone: str
    presentation: str
    references: str
    referent: bool


class ProfileOut(OpenDataRow):
    description: str
    site_internet: str
    reseaux_sociaux: str
    references_clients: str
    reseaux: str
    certifications: str
    effectif: str
    france_entiere: bool
    a_distance: bool
    regions_servies: list[str]
    departements_servis: list[str]
    communes_servies: list[str] = Field(description="Codes INSEE.")
    offres: list[OfferOut]
    adherents: list[MemberOut]


class ProfilePage(BaseModel):
    count: int
    results: list[ProfileOut]


class OpenDataFilters(Schema):
    region: str | None = NinjaField(None, max_length=3, description="Code INSEE de la région du siège (ex. 84).")
    departement: str | None = NinjaField(
        None, max_length=3, description="Code INSEE du département du siège (ex. 69, 2A, 971)."
    )
    domaine: Domain | None = NinjaField(None, description="Domaine de l’offre (au moins une prestation).")
    type: Kind | None = NinjaField(None, description="Type de structure.")
    categorie: Category | None = NinjaField(None, description="Catégorie : privée ou publique.")
    updated_since: datetime.datetime | None = NinjaField(
        None, description="Seulement les structures dont la fiche a changé depuis cette date (ISO 8601)."
    )

    @field_validator("updated_since", mode="before")
    @classmethod
    def iso_date(cls, value):
        # Pydantic would also read a bare number as a timestamp: only the documented ISO 8601 form is accepted.
        if value is not None and not (isinstance(value, str) and ISO_DATE.match(value)):
            raise ValueError("Date au format ISO 8601 attendue, par exemple 2026-11-01T00:00:00+01:00.")
        return value


# What an open-data row (opendata.row) is made of, read as plain values: no model instance per row.
ROW_VALUES = ("public_id", "name", "kind", "category", "address", "postal_code", "city", "region__name", "slug")
KIND_LABELS = dict(Kind.choices)
CATEGORY_LABELS = dict(Category.choices)
COUNT_CACHE_KEY = OPEN_DATA_CACHE_KEYS[3]
SLUG_PLACEHOLDER = "slug-de-la-fiche"


def _open_data_row(values: tuple, profile_url: str) -> dict:
    """opendata.row from the values of ROW_VALUES (tests/francenum/test_api.py checks that both agree)."""
    public_id, name, kind, category, address, postal_code, city, region, slug = values
    return {
        "identifiant": str(public_id),
        "nom": name,
        "type": KIND_LABELS.get(kind, ""),
        "categorie": CATEGORY_LABELS.get(category, ""),
        "adresse": address,
        "code_postal": postal_code,
        "ville": city,
        "region": region or "",
        "fiche": profile_url.replace(SLUG_PLACEHOLDER, slug),
    }


def _filtered(filters: OpenDataFilters):
    published = Activator.objects.filter(status=Status.VALIDATED)
    if filters.region or filters.departement:
        # Codes → ids from the directory's cached map: the filter then reads the index on (status, region, name)
        # without joining the territories.
        departments, regions = territory_ids()
        if filters.region:
            published = published.filter(region_id=regions.get(filters.region.upper(), 0))
        if filters.departement:
            published = published.filter(department_id=departments.get(filters.departement.upper(), 0))
    if filters.domaine:
        published = published.filter(Exists(Offer.objects.filter(activator=OuterRef("pk"), domain=filters.domaine)))
    if filters.type:
        published = published.filter(kind=filters.type)
    if filters.categorie:
        published = published.filter(category=filters.categorie)
    if filters.updated_since:
        since = filters.updated_since
        if timezone.is_naive(since):
            since = timezone.make_aware(since)
        published = published.filter(updated_at__gte=since)
    return published


@router.get(
    "/francenum/activateurs",
    operation_id="francenum_open_data",
    auth=open_data(),
    response={200: OpenDataPage, **ERRORS},
    summary="Liste ouverte des activateurs France Num",
    description="Les colonnes du fichier de données ouvertes (/activateurs/open-data.csv), par pages, triées par "
    "nom. Filtres facultatifs, qui se combinent : région ou département du siège, domaine de l’offre, type, "
    "catégorie, et `updated_since` pour ne relire que les fiches changées depuis une date (une fiche retirée de "
    "l’annuaire disparaît de la liste). Ouvert sans clé (quota par adresse IP) ; avec une clé, le quota de la clé "
    "s’applique.",
    openapi_extra={"x-optional-key": True},
)
def francenum_open_data(request, page: Query[Page], filters: Query[OpenDataFilters]):
    # One page read from the index on (status, name) as plain values, never the whole cached file: unpickling
    # 100,000 rows from the cache took longer than the request may.
    published = _filtered(filters)
    start = (page.page - 1) * page.size
    values = published.order_by("name", "pk").values_list(*ROW_VALUES)[start : start + page.size]
    profile_url = settings.SITE_URL + reverse("activateurs:profile", args=[SLUG_PLACEHOLDER])
    if filters.model_dump(exclude_none=True):
        count = published.count()
    else:
        # Counting every published structure is the slowest part of the page: kept with the open-data files,
        # forgotten with them on every change (services.publication).
        count = cache.get_or_set(COUNT_CACHE_KEY, published.count, opendata.CACHE_SECONDS)
    return {"count": count, "results": [_open_data_row(row, profile_url) for row in values]}


def _profiles():
    return (
        Activator.objects.filter(status=Status.VALIDATED)
        .select_related("region")
        .prefetch_related(
            Prefetch("offers", queryset=Offer.objects.order_by("domain", "service_kind")),
            Prefetch(
                "members",
                queryset=ActivatorMember.objects.filter(status=MemberStatus.ACTIVE).select_related("user"),
                to_attr="active_members",
            ),
            "served_regions",
            "served_departments",
            "served_communes",
        )
        .order_by("name", "pk")
    )


def _profile(activator: Activator) -> dict:
    return {
        **opendata.row(activator),
        "description": activator.description,
        "site_internet": activator.website,
        "reseaux_sociaux": activator.social_links,
        "references_clients": activator.client_references,
        "reseaux": activator.networks,
        "certifications": activator.certifications,
        "effectif": activator.get_staff_size_display() if activator.staff_size else "",
        "france_entiere": activator.serves_france,
        "a_distance": activator.serves_remote,
        "regions_servies": [region.name for region in activator.served_regions.all()],
        "departements_servis": [department.insee_code for department in activator.served_departments.all()],
        "communes_servies": [commune.insee_code for commune in activator.served_communes.all()],
        "offres": [
            {"domaine": offer.get_domain_display(), "prestation": offer.get_service_kind_display()}
            for offer in activator.offers.all()
        ],
        "adherents": [
            {
                "nom": member.user.get_full_name(),
                "fonction": member.job_title,
                "courriel": member.public_email,
                "telephone": member.phone,
                "presentation": member.presentation,
                "references": member.references,
                "referent": member.is_referent,
            }
            for member in activator.active_members
        ],
    }


@router.get(
    "/francenum/profils",
    operation_id="francenum_profiles",
    auth=partner_key(Scope.FRANCENUM_READ),
    response={200: ProfilePage, **ERRORS},
    summary="Profils publiés complets des activateurs",
    description="Les fiches publiées (offre, zone d’intervention, adhérents et leurs coordonnées publiées), pour les "
    "organismes habilités par la DGE (charte, article 7). Clé avec le droit `francenum:read`.",
)
def francenum_profiles(request, page: Query[Page]):
    published = _profiles()
    start = (page.page - 1) * page.size
    return {"count": published.count(), "results": [_profile(a) for a in published[start : start + page.size]]}


@router.get(
    "/francenum/profils/{identifiant}",
    operation_id="francenum_profile",
    auth=partner_key(Scope.FRANCENUM_READ),
    response={200: ProfileOut, 404: ErrorsOut, **ERRORS},
    summary="Un profil publié",
    description="La fiche publiée d’une structure, par son identifiant.",
)
def francenum_profile(request, identifiant: uuid.UUID):
    activator = _profiles().filter(public_id=identifiant).first()
    if activator is None:
        raise ApiError(404, "Aucune structure publiée n’a cet identifiant.", source="identifiant")
    return _profile(activator)
