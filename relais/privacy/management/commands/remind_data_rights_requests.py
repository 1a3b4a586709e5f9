from django.core.management.base import BaseCommand

from relais.privacy.services.rights_requests import send_reminders


class Command(BaseCommand):
    help = (
        "Relance le délégué à la protection des données pour chaque demande d'exercice de droits ouverte depuis 21 "
        "puis 28 jours (délai légal : un mois). Chaque relance ne part qu'une fois."
    )

    def handle(self, *args, **options):
        sent = send_reminders()
        for rights_request, days in sent:
            self.stdout.write(
                f"Relance à {days} jours : {rights_request.reference} (échéance {rights_request.due_at:%d/%m/%Y})"
            )
        self.stdout.write(f"{len(sent)} relance(s) envoyée(s).")
