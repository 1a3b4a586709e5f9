import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from relais.conseillers_entreprises.services.directory_export import write_directory


class Command(BaseCommand):
    help = (
        "Exporte l’annuaire (institutions, antennes, équipes, agents, responsables, zones, sujets et filtres) au "
        "format de import_directory, une ligne par équipe : réimporter le fichier ne change rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", type=Path, help="Fichier CSV à écrire (par défaut : la sortie).")

    def handle(self, *args, path, **options):
        if path is None:
            count = write_directory(sys.stdout)
            self.stderr.write(f"{count} équipes exportées.")
            return
        with path.open("w", encoding="utf-8", newline="") as file:
            count = write_directory(file)
        self.stdout.write(self.style.SUCCESS(f"{count} équipes exportées dans {path}."))
