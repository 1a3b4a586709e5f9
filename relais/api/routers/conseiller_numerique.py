"""Conseiller numérique France Services, open data: the published places of the advisors in post (oppositions
honoured) and the national figures. Open without a key (per-IP quota); a key needs the scope `cn:read`."""

from ninja import Router
from pydantic import BaseModel, Field

from relais.conseiller_numerique.publicmap import feature, published_places
from relais.conseiller_numerique.stats import national_figures

from ..auth import CleApi
from ..enums import Scope
from ..errors import ErrorsOut

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


class CountOut(BaseModel):
    label: str
    count: int


class FiguresOut(BaseModel):
    structures: list[CountOut] = Field(description="Structures accueillantes par statut.")
    posts: list[CountOut] = Field(description="Postes demandés, accordés et pourvus des structures validées.")
    matches: list[CountOut] = Field(description="Mises en relation par statut.")


RESPONSES = {401: ErrorsOut, 403: ErrorsOut, 429: ErrorsOut}


@router.get(
    "/conseiller-numerique/lieux",
    operation_id="cn_places",
    response={200: PlacesOut, **RESPONSES},
    summary="Lieux d’activité des conseillers numériques",
    description="Les lieux d’activité des conseillers numériques en poste (GeoJSON), comme la carte publique : un "
    "conseiller qui s’oppose à la publication de son nom n’y figure pas, son lieu reste.",
    openapi_extra={"x-optional-key": True},
)
def cn_places(request):
    return {"type": "FeatureCollection", "features": [feature(item) for item in published_places()]}


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
