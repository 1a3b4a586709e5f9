from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from relais.privacy.enums import RetentionAction
from relais.privacy.services.retention import UnknownRule, apply_rule, rules


def _date(value) -> str:
    return f"{timezone.localtime(value):%d/%m/%Y}" if value else "—"


class Command(BaseCommand):
    help = (
        "Applique les règles de conservation du registre (données personnelles) : suppression, anonymisation, "
        "avertissement puis suppression. Sans --wet-run, affiche pour chaque règle ce qu'elle ferait (nombre de "
        "lignes, plus ancienne date) et ne modifie rien. Travaille par lots courts ; une exécution interrompue "
        "reprend où elle s'était arrêtée."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rule", help="N'appliquer que cette règle (son nom, voir l'administration).")
        parser.add_argument("--wet-run", action="store_true", help="Appliquer réellement les règles.")

    def handle(self, *args, rule: str | None, wet_run: bool, **options):
        try:
            selected = rules(rule)
        except UnknownRule as error:
            raise CommandError(f"Règle inconnue : {error}. Règles : {', '.join(r.name for r in rules())}.") from error
        if not wet_run:
            self.stdout.write("Essai à blanc : rien n'est modifié (relancer avec --wet-run pour appliquer).")
        longest = 0
        for one in selected:
            with tqdm(desc=one.name, unit="ligne", disable=None, leave=False) as bar:
                outcome = apply_rule(one, wet_run=wet_run, progress=bar.update)
            longest = max(longest, outcome.longest_transaction_ms)
            self.stdout.write(self._line(outcome))
        if wet_run:
            self.stdout.write(f"Transaction la plus longue : {longest} ms.")

    def _line(self, outcome) -> str:
        rule = outcome.rule
        verb = {
            RetentionAction.DELETE: "supprimées",
            RetentionAction.ANONYMISE: "anonymisées",
            RetentionAction.DEACTIVATE_THEN_DELETE: "désactivées et effacées",
        }[rule.action]
        parts = [f"{rule.name} ({rule.duration.label if rule.duration.label != 'aucun délai' else 'sans délai'})"]
        if outcome.wet_run:
            parts.append(f"{outcome.processed} ligne(s) {verb}")
        else:
            parts.append(f"{outcome.due} ligne(s) seraient {verb}")
        parts.append(f"plus ancienne : {_date(outcome.oldest)}")
        if rule.action == RetentionAction.DEACTIVATE_THEN_DELETE:
            warned = outcome.warned if outcome.wet_run else outcome.to_warn
            parts.append(f"{warned} personne(s) {'averties' if outcome.wet_run else 'à avertir'}")
        return " : ".join(parts[:2]) + " ; " + " ; ".join(parts[2:])
