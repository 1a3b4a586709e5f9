from django.core.management.base import BaseCommand

from relais.organizations.catalogue import load_digital_services


class Command(BaseCommand):
    help = "Charge ou met à jour le catalogue des services numériques et leurs habilitations (idempotent)."

    def handle(self, *args, **options):
        services, rights = load_digital_services()
        self.stdout.write(
            self.style.SUCCESS(f"Catalogue à jour : {services} service(s) et {rights} habilitation(s) créés.")
        )
