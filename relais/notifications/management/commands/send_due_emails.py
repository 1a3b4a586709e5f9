from django.core.management.base import BaseCommand

from relais.notifications.services import send_due_emails


class Command(BaseCommand):
    help = "Envoie les courriels en attente dont l'heure est venue (premiers envois et nouvelles tentatives)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=100, help="Courriels lus par lot (défaut : 100).")

    def handle(self, *args, batch_size, **options):
        sent = send_due_emails(batch_size=batch_size)
        if sent or options["verbosity"] > 1:
            self.stdout.write(f"{sent} courriel(s) envoyé(s).")
