"""Import of the INSEE SIRENE stock files (https://www.data.gouv.fr/fr/datasets/base-sirene-des-entreprises-et-de-leurs-etablissements-siret/).

The files are read line by line and written in batches, so memory does not grow with their size (except, with
--departments, for the set of SIREN numbers found in those departments).

SIRENE has no collective agreement: `--conventions` reads the Ministry of Labour's list of agreements declared per
establishment (data.gouv.fr, "Liste des conventions collectives par entreprise (SIRET)", columns SIRET and IDCC),
which routing turns into the company's OPCO.
"""

import csv
import datetime
import io
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from relais.companies.enums import CompanySource
from relais.companies.models import normalize_idcc
from relais.companies.registry import CompanyResult, EstablishmentResult
from relais.companies.services import record_idcc_codes, save_companies, save_establishments

# Street types of the SIRENE files, spelt out as the API Recherche d'entreprises writes them.
STREET_TYPES = {
    "ALL": "ALLEE",
    "AV": "AVENUE",
    "BD": "BOULEVARD",
    "CAR": "CARREFOUR",
    "CHE": "CHEMIN",
    "CHS": "CHAUSSEE",
    "CITE": "CITE",
    "COR": "CORNICHE",
    "CRS": "COURS",
    "DOM": "DOMAINE",
    "DSC": "DESCENTE",
    "ECA": "ECART",
    "ESP": "ESPLANADE",
    "FG": "FAUBOURG",
    "GR": "GRANDE RUE",
    "HAM": "HAMEAU",
    "HLE": "HALLE",
    "IMP": "IMPASSE",
    "LD": "LIEU DIT",
    "LOT": "LOTISSEMENT",
    "MAR": "MARCHE",
    "MTE": "MONTEE",
    "PAS": "PASSAGE",
    "PL": "PLACE",
    "PLN": "PLAINE",
    "PLT": "PLATEAU",
    "PRO": "PROMENADE",
    "PRV": "PARVIS",
    "QUA": "QUARTIER",
    "QUAI": "QUAI",
    "RES": "RESIDENCE",
    "RLE": "RUELLE",
    "ROC": "ROCADE",
    "RPT": "ROND POINT",
    "RTE": "ROUTE",
    "RUE": "RUE",
    "SEN": "SENTIER",
    "SQ": "SQUARE",
    "TPL": "TERRE PLEIN",
    "TRA": "TRAVERSE",
    "VLA": "VILLA",
    "VLGE": "VILLAGE",
}


def department_of(commune_code: str) -> str:
    """ "69123" → "69", "2A004" → "2A", "97411" → "974": overseas departments have three digits."""
    return commune_code[:3] if commune_code.startswith("97") else commune_code[:2]


def company_from_row(row: dict) -> CompanyResult:
    name = row.get("denominationUniteLegale") or " ".join(
        part
        for part in (row.get("prenom1UniteLegale"), row.get("nomUsageUniteLegale") or row.get("nomUniteLegale"))
        if part
    )
    try:
        creation_date = datetime.date.fromisoformat(row.get("dateCreationUniteLegale") or "")
    except ValueError:
        creation_date = None
    return CompanyResult(
        siren=row["siren"],
        name=name or row["siren"],
        legal_form_code=row.get("categorieJuridiqueUniteLegale") or "",
        naf_code=row.get("activitePrincipaleUniteLegale") or "",
        creation_date=creation_date,
        staff_size_code=(row.get("trancheEffectifsUniteLegale") or "")[:2],
        is_active=row.get("etatAdministratifUniteLegale") == "A",
    )


def establishment_from_row(row: dict) -> EstablishmentResult:
    street_type = row.get("typeVoieEtablissement") or ""
    address = " ".join(
        part
        for part in (
            row.get("numeroVoieEtablissement"),
            row.get("indiceRepetitionEtablissement"),
            STREET_TYPES.get(street_type, street_type),
            row.get("libelleVoieEtablissement"),
        )
        if part
    )
    return EstablishmentResult(
        siret=row["siret"],
        name=row.get("enseigne1Etablissement") or row.get("denominationUsuelleEtablissement") or "",
        address=address,
        postal_code=row.get("codePostalEtablissement") or "",
        commune_insee_code=row.get("codeCommuneEtablissement") or "",
        commune_name=row.get("libelleCommuneEtablissement") or "",
        naf_code=row.get("activitePrincipaleEtablissement") or "",
        nafa_code=(row.get("activitePrincipaleRegistreMetiersEtablissement") or "")[:8],
        staff_size_code=(row.get("trancheEffectifsEtablissement") or "")[:2],
        is_head_office=row.get("etablissementSiege") == "true",
        is_active=row.get("etatAdministratifEtablissement") == "A",
    )


class Command(BaseCommand):
    help = (
        "Importe les fichiers stock SIRENE de l'Insee (StockUniteLegale_utf8.csv, StockEtablissement_utf8.csv) "
        "dans les tables locales des entreprises. Relancer l'import met à jour sans créer de doublon."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unites-legales", type=Path, help="Chemin de StockUniteLegale_utf8.csv.")
        parser.add_argument("--etablissements", type=Path, help="Chemin de StockEtablissement_utf8.csv.")
        parser.add_argument(
            "--departments",
            nargs="+",
            metavar="CODE",
            help="N'importe que les établissements de ces départements (ex. 69 75 974) et leurs entreprises. "
            "Demande --etablissements.",
        )
        parser.add_argument(
            "--active-only", action="store_true", help="Ignore les entreprises et établissements fermés."
        )
        parser.add_argument(
            "--conventions",
            type=Path,
            help="Fichier des conventions collectives par SIRET (colonnes SIRET et IDCC) : enregistre les IDCC des "
            "établissements et entreprises déjà connus.",
        )
        parser.add_argument("--batch-size", type=int, default=5000, help="Lignes écrites par transaction.")

    def handle(
        self, *args, unites_legales, etablissements, departments, active_only, conventions, batch_size, **options
    ):
        if not unites_legales and not etablissements and not conventions:
            raise CommandError("Indiquez --unites-legales, --etablissements, --conventions ou plusieurs d'entre eux.")
        if departments and not etablissements:
            raise CommandError("--departments demande le fichier des établissements (--etablissements).")
        for path in (unites_legales, etablissements, conventions):
            if path and not path.is_file():
                raise CommandError(f"Fichier introuvable : {path}")
        self.show_progress = options["verbosity"] > 0
        self.batch_size = batch_size
        departments = set(departments or ())

        def establishment_wanted(row: dict) -> bool:
            if active_only and row.get("etatAdministratifEtablissement") != "A":
                return False
            return not departments or department_of(row.get("codeCommuneEtablissement") or "") in departments

        sirens = None
        if departments:
            rows = self._rows(etablissements, "Repérage des entreprises")
            sirens = {row["siren"] for row in rows if establishment_wanted(row)}

        companies = 0
        if unites_legales:

            def company_wanted(row: dict) -> bool:
                if active_only and row.get("etatAdministratifUniteLegale") != "A":
                    return False
                return sirens is None or row["siren"] in sirens

            companies = self._import(
                unites_legales,
                "Unités légales",
                wanted=company_wanted,
                convert=company_from_row,
                save=lambda batch: save_companies(companies=batch, source=CompanySource.SIRENE_STOCK),
            )
        establishments = 0
        if etablissements:
            establishments = self._import(
                etablissements,
                "Établissements",
                wanted=establishment_wanted,
                convert=establishment_from_row,
                save=lambda batch: save_establishments(establishments=batch, source=CompanySource.SIRENE_STOCK),
            )
        self.stdout.write(
            self.style.SUCCESS(f"{companies} entreprises et {establishments} établissements importés ou mis à jour.")
        )
        if conventions:
            updated = self._import_conventions(conventions)
            self.stdout.write(
                self.style.SUCCESS(f"Conventions collectives enregistrées pour {updated} établissements.")
            )

    def _import_conventions(self, path: Path) -> int:
        """Group the file's IDCC by SIRET and write them in batches; a company gets the union of its establishments'."""
        by_siret: dict[str, set[str]] = {}
        for row in self._rows(path, "Conventions collectives"):
            # The file is published with upper-case headers; its separator varies between releases.
            values = {key.strip().lower(): (value or "").strip() for key, value in row.items() if key}
            siret, idcc = values.get("siret", "").replace(" ", ""), normalize_idcc(values.get("idcc"))
            if len(siret) == 14 and siret.isdigit() and idcc:
                by_siret.setdefault(siret, set()).add(idcc)
        sirets = list(by_siret)
        updated = 0
        for start in range(0, len(sirets), self.batch_size):
            batch = {siret: by_siret[siret] for siret in sirets[start : start + self.batch_size]}
            with transaction.atomic():
                updated += record_idcc_codes(by_siret=batch)
        return updated

    def _rows(self, path: Path, description: str) -> Iterator[dict]:
        size = path.stat().st_size
        # The bar follows the bytes read: the number of lines is unknown until the end of a multi-gigabyte file.
        # It goes straight to the terminal, as Django's OutputWrapper would end every refresh with a new line.
        with (
            path.open("rb") as raw,
            io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text,
            tqdm(
                total=size,
                desc=description,
                unit="o",
                unit_scale=True,
                unit_divisor=1024,
                disable=not self.show_progress,
            ) as bar,
        ):
            sample = text.readline()
            dialect = ";" if sample.count(";") > sample.count(",") else ","
            lines = itertools.chain([sample], text)
            for count, row in enumerate(csv.DictReader(lines, delimiter=dialect), start=1):
                if count % 10_000 == 0:
                    bar.update(raw.tell() - bar.n)
                yield row
            bar.update(size - bar.n)

    def _import(self, path: Path, description: str, *, wanted, convert: Callable, save: Callable) -> int:
        written = 0
        batch = []
        for row in self._rows(path, description):
            if wanted(row):
                batch.append(convert(row))
                if len(batch) >= self.batch_size:
                    written += self._save(save, batch)
                    batch = []
        if batch:
            written += self._save(save, batch)
        return written

    @staticmethod
    def _save(save: Callable, batch: list) -> int:
        with transaction.atomic():
            return save(batch)
