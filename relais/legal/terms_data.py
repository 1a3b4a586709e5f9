"""The first versions of the terms, copied from the services' published texts into data/ (read by import_terms)."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

DATA_DIR = Path(__file__).resolve().parent / "data"
PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class InitialTerms:
    scope: str
    version: str
    published_at: datetime
    file_name: str
    summary: str

    @property
    def body(self) -> str:
        return (DATA_DIR / self.file_name).read_text(encoding="utf-8")


INITIAL_TERMS = (
    InitialTerms(
        scope="portail",
        version="2024-01",
        published_at=datetime(2024, 1, 1, tzinfo=PARIS),
        file_name="portail-2024.txt",
        summary="Version de janvier 2024 : catalogue des services numériques, responsables des accès, "
        "habilitations et tiers déclarants.",
    ),
    # The old text has no date; it is placed before the renaming of the service, which the new text announces.
    InitialTerms(
        scope="conseillers-entreprises",
        version="1",
        published_at=datetime(2021, 1, 1, tzinfo=PARIS),
        file_name="conseillers-entreprises-v1.txt",
        summary="Conditions d'utilisation du service Place des Entreprises.",
    ),
    InitialTerms(
        scope="conseillers-entreprises",
        version="2",
        published_at=datetime(2023, 1, 1, tzinfo=PARIS),
        file_name="conseillers-entreprises-v2.txt",
        summary="Place des Entreprises devient Conseillers-Entreprises : le service s'ouvre à toutes les "
        "entreprises, les porteurs de projet de création en sont exclus, règles de sécurité des comptes "
        "conseillers.",
    ),
    InitialTerms(
        scope="francenum",
        version="2022-03-16",
        published_at=datetime(2022, 3, 16, tzinfo=PARIS),
        file_name="francenum-2022.txt",
        summary="Charte d'engagement des activateurs France Num modifiée le 16 mars 2022.",
    ),
    InitialTerms(
        scope="conseiller-numerique",
        version="2022-06-27",
        published_at=datetime(2022, 6, 27, tzinfo=PARIS),
        file_name="conseiller-numerique-2022.txt",
        summary="Dernière mise à jour du 27 juin 2022.",
    ),
)
