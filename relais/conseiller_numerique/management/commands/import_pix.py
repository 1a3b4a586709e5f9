import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from relais.conseiller_numerique.pix import import_results


class Command(BaseCommand):
    help = "Importe les résultats Pix des candidats (CSV : email, partage, date, niveau, competence_1 à 3)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Vérifie le fichier sans rien enregistrer.")

    def handle(self, *args, file: Path, dry_run: bool, verbosity: int, **options):
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Fichier illisible : {error}") from None
        report = import_results(
            text,
            dry_run=dry_run,
            progress=lambda rows: tqdm(
                rows, desc="Résultats Pix", unit=" ligne", disable=verbosity < 1, file=sys.stderr
            ),
        )
        for error in report.errors:
            self.stderr.write(error)
        prefix = "Simulation : " if dry_run else ""
        verb = "seraient mis à jour" if dry_run else "mis à jour"
        self.stdout.write(
            f"{prefix}{report.updated} résultat(s) {verb}, {report.unchanged} inchangé(s), "
            f"{len(report.errors)} erreur(s)."
        )
