import sys
from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from relais.core.demo import DEMO_MODULES, DEMO_PASSWORD


def print_demo_accounts(stdout) -> None:
    stdout.write(f"Comptes de démonstration (mot de passe commun : {DEMO_PASSWORD})")
    for module_name in DEMO_MODULES:
        for email, role in getattr(import_module(module_name), "demo_accounts", list)():
            stdout.write(f"  {email:<36} {role}")


class Command(BaseCommand):
    help = (
        "Charge les données de démonstration (sans doublon si on la relance) et affiche les comptes de démonstration."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Autorise le chargement alors que DJANGO_ENV=production (comptes au mot de passe connu !).",
        )

    def handle(self, *args, allow_production=False, **options):
        if settings.PRODUCTION and not allow_production:
            raise CommandError(
                "Refusé en production : les comptes de démonstration ont un mot de passe public. "
                "Utilisez --allow-production pour une instance de démonstration."
            )
        for module_name in tqdm(DEMO_MODULES, desc="Données de démonstration", unit="module", file=sys.stderr):
            import_module(module_name).load_demo()
        print_demo_accounts(self.stdout)
