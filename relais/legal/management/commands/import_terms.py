import sys

from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

from relais.legal.models import TermsVersion
from relais.legal.services import publish_terms_version
from relais.legal.terms_data import INITIAL_TERMS


class Command(BaseCommand):
    help = (
        "Charge les premières versions des conditions d'utilisation (Portail de service et services) ; "
        "sans doublon si on la relance, et sans courriel : ce sont les textes déjà en vigueur."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        created = 0
        for terms in tqdm(INITIAL_TERMS, desc="Conditions d'utilisation", unit="version", file=sys.stderr):
            if TermsVersion.objects.filter(scope=terms.scope, version=terms.version).exists():
                continue
            publish_terms_version(
                scope=terms.scope,
                version=terms.version,
                body=terms.body,
                summary=terms.summary,
                published_at=terms.published_at,
                notify=False,
            )
            created += 1
        self.stdout.write(f"{created} version(s) ajoutée(s), {len(INITIAL_TERMS) - created} déjà présente(s).")
