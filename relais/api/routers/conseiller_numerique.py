"""Conseiller numérique France Services, open data: the published places of the advisors in post (oppositions
honoured) and the national figures. Open without a key (per-IP quota); a key needs the scope `cn:read`."""

from ninja import Field as NinjaField
from ninja import Query, Router, Schema
from pydantic import BaseModel, Field

from relais.conseiller_numerique.publicmap import PublishedPlace, feature, published_places
from relais.conseiller_numerique.stats import national_figures
from relais.territories.models import Commune, Department

from ..auth import CleApi
from ..enums import Scope
from ..errors import ApiError, ErrorsOut

router = Router(tags=["Conseiller numérique"], auth=CleApi(Scope.CN_READ, anonymous=True))


class AdvisorOut(BaseModel):
    nom: str
    courriel: str
    telephone: str


class PlaceProperties(BaseModel):
    lieu: str
    adresse: str
    commune: str
    code_insee: str
    acces: str
    horaires: str
    site_internet: str
    conseillers: list[AdvisorOut] = Field(
        description="Les conseillers qui y exercent et ne se sont pas opposés à la publication de leur nom."
    )


class Geometry(BaseModel):
    type: str = "Point"
    coordinates: list[float] = Field(description="Longitude, latitude du centre de la commune.")


class PlaceFeature(BaseModel):
    type: str = "Feature"
    geometry: Geometry
    properties: PlaceProperties


class PlacesOut(BaseModel):
    type: str = "FeatureCollection"
    features: list[PlaceFeature]


class PlaceOut(PlaceProperties):
    latitude: float
    longitude: float
    distance_km: float | None = Field(None, description="Distance à la commune demandée, à vol d’oiseau.")


class PlacesFilters(Schema):
    departement: str | None = NinjaField(None, max_length=3, description="Code INSEE du département (ex. 69, 971).")
    commune: str | None = NinjaField(
        None, max_length=5, description="Code INSEE d’une commune : les lieux sont triés du plus proche au plus loin."
    )
    distance_km: float | None = NinjaField(
        None, gt=0, le=1000, description="Avec `commune` : seulement les lieux à cette distance au plus."
    )


def _places(filters: PlacesFilters) -> list[PublishedPlace]:
    near = None
    if filters.commune:
        near = Commune.objects.filter(insee_code=filters.commune.upper()).first()
        if near is None:
            raise ApiError(422, "Commune inconnue : donnez son code INSEE (5 caractères).", source="commune")
    elif filters.distance_km is not None:
        raise ApiError(422, "La distance se compte depuis une commune : donnez aussi `commune`.", source="distance_km")
    places = published_places(near=near)
    if filters.departement:
        department = Department.objects.filter(insee_code=filters.departement.upper()).first()
        if department is None:
            raise ApiError(422, "Département inconnu : donnez son code INSEE (ex. 69, 2A, 971).", source="departement")
        places = [item for item in places if item.place.commune.department_id == department.pk]
    if filters.distance_km is not None:
        places = [item for item in places if item.distance is not None and item.distance <= filters.distance_km]
    return places


class CountOut(BaseModel):
    label: str
    count: int


class FiguresOut(BaseModel):
    structures: list[CountOut] = Field(description="Structures accueillantes par statut.")
    posts: list[CountOut] = Field(description="Postes demandés, accordés et pourvus des structures validées.")
    matches: list[CountOut] = Field(description="Mises en relation par statut.")


RESPONSES = {401: ErrorsOut, 403: ErrorsOut, 422: ErrorsOut, 429: ErrorsOut}
FILTERS_HELP = " Filtres facultatifs : `departement`, `commune` (tri par distance) et `distance_km` (avec `commune`)."


@router.get(
    "/conseiller-numerique/lieux",
    operation_id="cn_places",
    response={200: PlacesOut, **RESPONSES},
    summary="Lieux d’activité des conseillers numériques",
    description="Les lieux d’activité des conseillers numériques en poste (GeoJSON), comme la carte publique : un "
    "conseiller qui s’oppose à la publication de son nom n’y figure pas, son lieu reste." + FILTERS_HELP,
    openapi_extra={"x-optional-key": True},
)
def cn_places(request, filters: Query[PlacesFilters]):
    return {"type": "FeatureCollection", "features": [feature(item) for item in _places(filters)]}


@router.get(
    "/conseiller-numerique/lieux/liste",
    operation_id="cn_places_list",
    response={200: list[PlaceOut], **RESPONSES},
    summary="Lieux d’activité des conseillers numériques (liste JSON)",
    description="Les mêmes lieux que `/conseiller-numerique/lieux`, en liste JSON simple avec leurs coordonnées et, "
    "quand une commune est donnée, leur distance." + FILTERS_HELP,
    openapi_extra={"x-optional-key": True},
)
def cn_places_list(request, filters: Query[PlacesFilters]):
    listed = []
    for item in _places(filters):
        properties = feature(item)["properties"]
        commune = item.place.commune
        distance = round(item.distance, 1) if item.distance is not None else None
        listed.append(
            {**properties, "latitude": commune.latitude, "longitude": commune.longitude, "distance_km": distance}
        )
    return listed


@router.get(
    "/stats/conseiller-numerique",
    operation_id="cn_stats",
    response={200: FiguresOut, **RESPONSES},
    summary="Chiffres de Conseiller numérique",
    description="Structures par statut, postes demandés, accordés et pourvus, mises en relation par statut, pour "
    "toute la France.",
    openapi_extra={"x-optional-key": True},
)
def cn_stats(request):
    return national_figures()
