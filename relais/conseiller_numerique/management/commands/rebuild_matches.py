import time

from django.core.management.base import BaseCommand

from relais.conseiller_numerique.matching import rebuild_pairs


class Command(BaseCommand):
    help = (
        "Recalcule toutes les paires géographiques candidats × structures (les statuts des mises en relation restent)."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        count = rebuild_pairs()
        self.stdout.write(f"{count} paire(s) recalculée(s) en {time.monotonic() - started:.1f} s.")
