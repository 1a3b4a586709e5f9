"""Statistics of the services, open to anyone (per-IP quota without a key): the figures of their public pages."""

import datetime

from ninja import Router
from pydantic import BaseModel, Field

from relais.conseillers_entreprises.services.statistics import Row, public_figures

from ..auth import open_data
from ..errors import ErrorsOut

router = Router(tags=["Statistiques"], auth=open_data())


class RowOut(BaseModel):
    label: str = Field(description="Le mois, le thème ou la région.")
    solicitations: int = Field(description="Demandes déposées (hors brouillons) dans la période.")
    transmitted: int = Field(description="Besoins transmis pour la première fois à un expert dans la période.")
    taken: int = Field(description="Parmi eux, besoins pris en charge par au moins un expert.")
    fast: int = Field(description="Parmi eux, besoins pris en charge en 5 jours au plus après la transmission.")
    taken_percent: float | None = Field(description="Part des besoins transmis pris en charge (%), null sans besoin.")
    fast_percent: float | None = Field(description="Part des besoins transmis pris en charge en 5 jours (%).")


class PeriodOut(BaseModel):
    start: datetime.date = Field(description="Premier jour de la période (heure de Paris).")
    end: datetime.date = Field(description="Dernier jour de la période, inclus.")


class ConseillersEntreprisesStats(BaseModel):
    period: PeriodOut
    total: RowOut
    months: list[RowOut] = Field(description="Un élément par mois de la période, dans l’ordre.")
    themes: list[RowOut]
    regions: list[RowOut]


def _row(row: Row) -> dict:
    return {
        "label": row.label,
        "solicitations": row.solicitations,
        "transmitted": row.transmitted,
        "taken": row.taken,
        "fast": row.fast,
        "taken_percent": row.taken_percent,
        "fast_percent": row.fast_percent,
    }


@router.get(
    "/stats/conseillers-entreprises",
    operation_id="conseillers_entreprises_stats",
    response={200: ConseillersEntreprisesStats, 401: ErrorsOut, 403: ErrorsOut, 429: ErrorsOut},
    summary="Chiffres de Conseillers-Entreprises",
    description="Les chiffres de la page publique /stats/ sur les douze derniers mois, mois en cours compris, avec "
    "les mêmes définitions et les mêmes nombres (mis en cache dix minutes) : demandes déposées, besoins transmis, "
    "pris en charge, pris en charge en cinq jours au plus ; par mois, par thème et par région. Ouvert sans clé "
    "(quota par adresse IP) ; avec une clé, le quota de la clé s’applique.",
    openapi_extra={"x-optional-key": True},
)
def conseillers_entreprises_stats(request):
    figures = public_figures()
    return {
        "period": {"start": figures.scope.start, "end": figures.scope.end},
        "total": _row(figures.total),
        "months": [_row(row) for row in figures.months],
        "themes": [_row(row) for row in figures.themes],
        "regions": [_row(row) for row in figures.regions],
    }
