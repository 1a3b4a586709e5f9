"""France Num reminders: contacts not acknowledged at half time of the 48 business hours (and breaches recorded
once the deadline has passed), engagements ending in 60, 30 or 7 days. Dry-run unless --wet-run."""

from django.core.management.base import BaseCommand

from relais.francenum.services.contacts import remind_and_record_breaches
from relais.francenum.services.engagement import remind_expiry


class Command(BaseCommand):
    help = "Relances France Num : accusés de réception à mi-délai, manquements, échéances de l'engagement."

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Envoyer et enregistrer (sinon : simulation).")

    def handle(self, *args, wet_run=False, **options):
        mode = "" if wet_run else "[simulation] "
        reminded, breached = remind_and_record_breaches(wet_run=wet_run)
        self.stdout.write(f"{mode}{reminded} prise(s) de contact relancée(s) à mi-délai.")
        self.stdout.write(f"{mode}{breached} manquement(s) au délai de 48 heures ouvrées enregistré(s).")
        report = remind_expiry(wet_run=wet_run)
        for line in report.lines:
            self.stdout.write(f"{mode}{line}")
        self.stdout.write(f"{mode}{len(report.lines)} rappel(s) d'échéance de l'engagement.")
        if not wet_run:
            self.stdout.write("Rien n'a été envoyé : relancez avec --wet-run pour agir.")
