from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relais.conseillers_entreprises.services.directory_import import DirectoryFileError, import_directory

KIND_LABELS = {
    "institution": "institutions",
    "antenne": "antennes",
    "expert": "équipes",
    "zone": "zones",
    "institution_subject": "sujets d’institution",
    "expert_subject": "sujets d’équipe",
    "user": "agents",
    "membership": "rattachements d’agents",
    "manager": "responsables d’antenne",
    "filter": "filtres (propriétaires dont les filtres changent)",
}


class Command(BaseCommand):
    help = (
        "Importe l’annuaire (institutions, antennes, équipes, agents, responsables, zones, sujets, filtres, "
        "activité) depuis un fichier CSV, une ligne par équipe (format d’export_directory). Une ligne invalide est "
        "signalée et ignorée ; relancer le même fichier ne change rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="Fichier CSV (UTF-8, séparateur virgule, ligne d’en-tête).")
        parser.add_argument("--dry-run", action="store_true", help="Tout vérifier sans rien enregistrer.")
        parser.add_argument(
            "--sync",
            action="store_true",
            help="Retirer aussi les sujets, agents et responsables que le fichier ne cite pas pour leur équipe ou "
            "antenne (avec --dry-run : affiche ce qui serait retiré).",
        )

    def handle(self, *args, path, dry_run, sync, **options):
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        try:
            report = import_directory(path, dry_run=dry_run, sync=sync, progress=True)
        except DirectoryFileError as error:
            raise CommandError(str(error)) from error
        for error in report.errors:
            self.stderr.write(error)

        def summary(counter):
            return ", ".join(f"{counter[kind]} {label}" for kind, label in KIND_LABELS.items() if counter[kind])

        self.stdout.write(
            f"Lignes lues : {report.rows}, importées : {report.imported}, en erreur : {report.rows - report.imported}."
        )
        self.stdout.write(f"Créés : {summary(report.created) or 'rien'}.")
        self.stdout.write(f"Modifiés : {summary(report.updated) or 'rien'}.")
        if sync:
            verb = "Seraient retirés" if dry_run else "Retirés"
            self.stdout.write(f"{verb} : {summary(report.removed) or 'rien'}.")
            for removal in report.removals:
                self.stdout.write(f"  {removal}")
        if dry_run:
            self.stdout.write("Simulation (--dry-run) : rien n’a été enregistré.")
