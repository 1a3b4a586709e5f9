from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Charge ou met à jour les référentiels embarqués (territoires, sujets de Conseillers-Entreprises, "
        "catalogue des services numériques, conditions d'utilisation). Sans changement, "
        "ne fait rien et rend la main en quelques secondes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Réimporte même si la source n'a pas changé.")

    def handle(self, *args, force=False, **options):
        call_command("import_territories", force=force, stdout=self.stdout, stderr=self.stderr)
        for command in ("import_subjects", "import_digital_services", "import_terms"):
            call_command(command, stdout=self.stdout, stderr=self.stderr)
