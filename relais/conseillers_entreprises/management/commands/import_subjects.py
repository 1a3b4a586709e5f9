from django.core.management.base import BaseCommand

from relais.conseillers_entreprises.cancellation import load_cancellation_templates
from relais.conseillers_entreprises.taxonomy import import_taxonomy


class Command(BaseCommand):
    help = (
        "Crée ou met à jour les référentiels de Conseillers-Entreprises livrés avec le code : thèmes et sujets "
        "publics, questions complémentaires, pages d'accueil des partenaires et motifs d'abandon."
    )

    def handle(self, *args, **options):
        result = import_taxonomy()
        templates = load_cancellation_templates()
        self.stdout.write(
            f"Conseillers-Entreprises : {result.themes_created} thème(s) et {result.subjects_created} sujet(s) "
            f"créé(s), {result.subjects_updated} sujet(s) mis à jour, {result.questions_created} question(s) et "
            f"{result.landings_created} page(s) d'accueil créée(s), {templates} motif(s) d'abandon ajouté(s)."
        )
