from django.core.management.base import BaseCommand

from relais.api.webhooks import send_due_webhooks


class Command(BaseCommand):
    help = "Envoie aux webhooks des partenaires les notifications en attente (premiers envois et nouvelles tentatives)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=100, help="Notifications lues par lot (défaut : 100).")

    def handle(self, *args, batch_size, **options):
        sent = send_due_webhooks(batch_size=batch_size)
        if sent or options["verbosity"] > 1:
            self.stdout.write(f"{sent} notification(s) reçue(s).")
