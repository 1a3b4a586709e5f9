from django.core.management.base import BaseCommand
from django.db import transaction

from relais.sso.services import stale_oidc_records


class Command(BaseCommand):
    help = (
        "Supprime les connexions aux services plus anciennes que la durée de vie des jetons, et les déconnexions "
        "transmises ou abandonnées depuis 30 jours. Sans --wet-run, affiche seulement ce qui serait supprimé."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Supprimer réellement.")

    def handle(self, *args, wet_run=False, **options):
        sign_ins, notices = stale_oidc_records()
        counts = sign_ins.count(), notices.count()
        if wet_run:
            with transaction.atomic():
                sign_ins.delete()
                notices.delete()
        verb = "supprimée(s)" if wet_run else "à supprimer (relancez avec --wet-run)"
        self.stdout.write(f"{counts[0]} connexion(s) aux services et {counts[1]} déconnexion(s) {verb}.")
