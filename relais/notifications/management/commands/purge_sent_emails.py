from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from relais.notifications.enums import EmailStatus
from relais.notifications.models import Email


class Command(BaseCommand):
    help = (
        "Supprime les courriels envoyés depuis plus de N jours (ils contiennent des données personnelles). "
        "Sans --wet-run, affiche seulement ce qui serait supprimé."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="Âge minimal depuis l'envoi (défaut : 30 jours).")
        parser.add_argument("--wet-run", action="store_true", help="Supprime réellement.")

    def handle(self, *args, days, wet_run, **options):
        if days < 1:
            raise CommandError("--days doit valoir au moins 1.")
        cutoff = timezone.now() - timedelta(days=days)
        before = f"avant le {timezone.localtime(cutoff):%d/%m/%Y %H:%M}"
        emails = Email.objects.filter(status=EmailStatus.SENT, sent_at__lt=cutoff)
        if not wet_run:
            count = emails.count()
            self.stdout.write(
                f"{count} courriel(s) envoyé(s) {before} seraient supprimés (relancer avec --wet-run pour supprimer)."
            )
            return
        count, _ = emails.delete()
        self.stdout.write(f"{count} courriel(s) envoyé(s) {before} supprimé(s).")
