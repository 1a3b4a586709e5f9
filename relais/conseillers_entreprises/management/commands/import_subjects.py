from django.core.management.base import BaseCommand

from relais.conseillers_entreprises.taxonomy import import_taxonomy


class Command(BaseCommand):
    help = "Crée ou met à jour les thèmes et sujets de Conseillers-Entreprises (liste publique livrée avec le code)."

    def handle(self, *args, **options):
        result = import_taxonomy()
        self.stdout.write(
            f"Thèmes et sujets : {result.themes_created} thème(s) créé(s), {result.subjects_created} sujet(s) "
            f"créé(s), {result.subjects_updated} mis à jour."
        )
