from django.core.management.base import BaseCommand

from relais.accounts.services import ABANDONED_SIGNUP_AFTER, purge_abandoned_signups


class Command(BaseCommand):
    help = (
        f"Supprime les inscriptions abandonnées depuis plus de {ABANDONED_SIGNUP_AFTER.days} jours (compte créé, "
        "identité ou entreprise jamais renseignées) et les vérifications d'adresse expirées. Sans --wet-run, "
        "affiche seulement ce qui serait supprimé."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Supprimer réellement.")

    def handle(self, *args, wet_run: bool, **options):
        emails, verifications = purge_abandoned_signups(wet_run=wet_run)
        verb = "Supprimé" if wet_run else "À supprimer (essai, rien n'est supprimé sans --wet-run)"
        for email in emails:
            self.stdout.write(f"{verb} : inscription abandonnée de {email}")
        self.stdout.write(
            f"{verb} : {len(emails)} inscription(s) abandonnée(s), "
            f"{verifications} vérification(s) d'adresse expirée(s)."
        )
