from django.core.management.base import BaseCommand

from relais.conseillers_entreprises.services.export_jobs import purge_expired_exports


class Command(BaseCommand):
    help = (
        "Supprime les exports en arrière-plan dont le lien de téléchargement a expiré (24 h) et leurs fichiers. "
        "Sans --wet-run, affiche seulement ce qui serait supprimé."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Supprimer vraiment.")

    def handle(self, *args, wet_run, **options):
        expired = purge_expired_exports(dry_run=not wet_run)
        for job in expired:
            self.stdout.write(f"{'Supprimé' if wet_run else 'Serait supprimé'} : {job} ({job.requested_by_id})")
        verb = "supprimés" if wet_run else "à supprimer (simulation, --wet-run pour supprimer)"
        self.stdout.write(f"{len(expired)} export(s) {verb}.")
