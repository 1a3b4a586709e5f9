from django.core.management.base import BaseCommand

from relais.sso import backchannel
from relais.sso.services import due_backchannel_logouts


class Command(BaseCommand):
    help = "Transmet aux services connectés les déconnexions (back-channel) en attente ou à réessayer."

    def handle(self, *args, **options):
        statuses = [backchannel.deliver(pk) for pk in due_backchannel_logouts().values_list("pk", flat=True)[:500]]
        self.stdout.write(
            f"{len(statuses)} déconnexion(s) traitée(s) : {statuses.count('sent')} reçue(s), "
            f"{statuses.count('pending')} à réessayer, {statuses.count('failed')} abandonnée(s)."
        )
