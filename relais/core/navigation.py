"""The four services of Relais, as the header and the home page present them.

Each later service app replaces its `url` with its own entry point.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Service:
    slug: str
    name: str
    audience: str
    summary: str
    url: str


SERVICES = (
    Service(
        slug="conseillers-entreprises",
        name="Conseillers-Entreprises",
        audience="Dirigeants de TPE et PME, conseillers publics",
        summary=(
            "Une entreprise décrit son besoin sans créer de compte ; le service le transmet aux conseillers "
            "publics compétents sur son territoire, qui la rappellent : ressources humaines, droit du travail, "
            "développement commercial, numérique, difficultés financières, investissement, transmission, "
            "santé et sécurité au travail, transition écologique et RSE."
        ),
        url="/aide-entreprise/accueil/",
    ),
    Service(
        slug="portail",
        name="Portail de service",
        audience="Entreprises, organismes de formation, agents",
        summary=(
            "Un compte par personne pour accéder aux services numériques de l'emploi et de la formation "
            "professionnelle : organisations par SIREN, responsables des accès, demandes d'accès, "
            "habilitations par service et tiers déclarants."
        ),
        url="/organisations/mes-habilitations/",
    ),
    Service(
        slug="francenum",
        name="Activateurs France Num",
        audience="Professionnels de la transformation numérique, TPE et PME",
        summary=(
            "L'annuaire des activateurs qui accompagnent la transformation numérique des TPE et PME : charte "
            "d'engagement, validation des adhésions, prises de contact traitées sous 48 heures ouvrées."
        ),
        url="/activateurs/",
    ),
    Service(
        slug="conseiller-numerique",
        name="Conseiller numérique France Services",
        audience="Candidats, structures accueillantes, grand public",
        summary=(
            "La mise en relation des personnes qui veulent devenir conseiller numérique avec les structures "
            "qui recrutent, selon la date de disponibilité et la distance, et la carte publique des conseillers."
        ),
        url="/#conseiller-numerique",
    ),
)


def main_menu(path: str) -> list[dict]:
    items = [{"label": "Accueil", "url": "/"}]
    items += [{"label": service.name, "url": service.url} for service in SERVICES]
    for item in items:
        item["current"] = item["url"] == path
    return items


@dataclass(frozen=True)
class Tab:
    """One tab of core/components/tabs.html: a link, marked as the current page when active."""

    label: str
    url: str
    active: bool = False
    count: int | None = None
