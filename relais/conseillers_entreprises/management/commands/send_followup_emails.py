"""Periodic follow-up emails of Conseillers-Entreprises, one job per kind (see config/schedule.toml).

Each email is recorded when it is queued, so running a job again (or twice at once) sends nothing new.
"""

from django.core.management.base import BaseCommand

from relais.conseillers_entreprises.services.followup import (
    send_abandoned_emails,
    send_being_handled_emails,
    send_weekly_digests,
)
from relais.conseillers_entreprises.services.satisfaction import send_satisfaction_emails

JOBS = {
    "being_handled": (send_being_handled_emails, "demande en cours de traitement (J+9)"),
    "abandoned": (send_abandoned_emails, "échec de la demande (J+45)"),
    "satisfaction": (send_satisfaction_emails, "enquête de satisfaction (10 jours après l’aide proposée)"),
    "digest": (send_weekly_digests, "récapitulatif hebdomadaire des experts"),
}


class Command(BaseCommand):
    help = "Envoie les courriels de suivi dus : " + ", ".join(f"{name} ({label})" for name, (_f, label) in JOBS.items())

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(JOBS), help="Le courriel à envoyer.")
        parser.add_argument("--dry-run", action="store_true", help="Affiche ce qui serait envoyé, sans rien envoyer.")

    def handle(self, *args, kind, dry_run, **options):
        job, label = JOBS[kind]
        report = job(dry_run=dry_run)
        verb = "serait envoyé" if dry_run else "envoyé"
        for sent in report:
            self.stdout.write(f"{sent.recipient} : {sent.description} — {verb}")
        self.stdout.write(f"{label} : {len(report)} courriel(s) {'à envoyer' if dry_run else 'envoyé(s)'}.")
