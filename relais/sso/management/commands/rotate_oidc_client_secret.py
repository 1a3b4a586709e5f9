from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from oauth2_provider.models import get_application_model

from relais.sso.services import rotate_client_secret


class Command(BaseCommand):
    help = (
        "Remplace le secret d'un client OpenID Connect et affiche le nouveau ; l'ancien reste accepté pendant la "
        "durée de chevauchement, le temps que le service déploie le nouveau."
    )

    def add_arguments(self, parser):
        parser.add_argument("--client-id", required=True)
        parser.add_argument(
            "--overlap-hours", type=int, default=24, help="Durée pendant laquelle l'ancien secret reste accepté."
        )

    def handle(self, *args, client_id, overlap_hours, **options):
        if overlap_hours < 0:
            raise CommandError("La durée de chevauchement ne peut pas être négative.")
        application = get_application_model().objects.filter(client_id=client_id).first()
        if application is None:
            raise CommandError(f"Aucun client n'a l'identifiant « {client_id} ».")
        secret = rotate_client_secret(application=application, overlap=timedelta(hours=overlap_hours))
        self.stdout.write(f"client_secret={secret}")
        self.stdout.write(f"L'ancien secret reste accepté {overlap_hours} heure(s).")
