"""France Num (seed 002 art. 7): the open-data list of the published activators (no key, per-IP quota) and their
full published profiles for the bodies authorised by the DGE (scope `francenum:read`)."""

import uuid

from django.db.models import Prefetch
from ninja import Field as NinjaField
from ninja import Query, Router, Schema
from pydantic import BaseModel, Field

from relais.francenum import opendata
from relais.francenum.enums import MemberStatus, Status
from relais.francenum.models import Activator, ActivatorMember, Offer

from ..auth import open_data, partner_key
from ..enums import Scope
from ..errors import ApiError, ErrorsOut

router = Router(tags=["France Num : activateurs"])
ERRORS = {401: ErrorsOut, 403: ErrorsOut, 422: ErrorsOut, 429: ErrorsOut}
MAX_PAGE_SIZE = 500


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


@router.get(
    "/francenum/activateurs",
    operation_id="francenum_open_data",
    auth=open_data(),
    response={200: OpenDataPage, **ERRORS},
    summary="Liste ouverte des activateurs France Num",
    description="Les colonnes du fichier de données ouvertes (/activateurs/open-data.csv), par pages. Ouvert sans "
    "clé (quota par adresse IP) ; avec une clé, le quota de la clé s’applique.",
    openapi_extra={"x-optional-key": True},
)
def francenum_open_data(request, page: Query[Page]):
    rows = opendata.cached_rows()
    start = (page.page - 1) * page.size
    return {"count": len(rows), "results": rows[start : start + page.size]}


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
