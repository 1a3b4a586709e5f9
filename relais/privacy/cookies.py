"""The cookies Relais sets: only those strictly necessary to the service (exempt from consent, article 82 of the
loi Informatique et Libertés). The cookies page lists these; a test visits the public pages and fails on any other."""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str
    lifetime: str


def strictly_necessary_cookies() -> tuple[Cookie, ...]:
    session_hours = settings.SESSION_COOKIE_AGE // 3600
    return (
        Cookie(
            settings.SESSION_COOKIE_NAME,
            "Garder votre connexion et l’avancement d’un formulaire (brouillon d’une demande, étapes d’inscription).",
            "jusqu’à la fermeture du navigateur"
            if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
            else f"{session_hours} heures au plus",
        ),
        Cookie(
            settings.CSRF_COOKIE_NAME,
            "Protéger vos formulaires contre leur envoi par un autre site (falsification de requête).",
            "1 an",
        ),
        Cookie("messages", "Afficher une seule fois un message de confirmation après une action.", "la page suivante"),
    )
