from django.core.management.base import BaseCommand

from relais.api.services.keys import announce_expiring_keys


class Command(BaseCommand):
    help = "Annonce par courriel aux partenaires leurs clés d’API qui expirent dans les 30 jours (une fois par clé)."

    def handle(self, *args, **options):
        announced = announce_expiring_keys()
        if announced or options["verbosity"] > 1:
            self.stdout.write(f"{announced} clé(s) annoncée(s).")
