import signal

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from relais.core.scheduler import SCHEDULE_PATH, ScheduleError, Scheduler, beat, load_schedule, run_due_jobs


class Command(BaseCommand):
    help = "Lance les tâches périodiques de config/schedule.toml à leurs heures (fuseau Europe/Paris)."

    def add_arguments(self, parser):
        parser.add_argument("--schedule", default=str(SCHEDULE_PATH), help="Fichier de planification.")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--once", action="store_true", help="Lance les tâches prévues à la minute en cours, puis s'arrête."
        )
        mode.add_argument(
            "--list", action="store_true", dest="list_jobs", help="Affiche les tâches et leur prochaine exécution."
        )

    def handle(self, *args, schedule, once, list_jobs, **options):
        try:
            jobs = load_schedule(schedule)
        except ScheduleError as error:
            raise CommandError(str(error)) from error
        if list_jobs:
            now = timezone.now()
            for job in jobs:
                next_run = job.next_run(now)
                self.stdout.write(f"{job.name:<24} {job.cron:<16} {next_run:%d/%m/%Y %H:%M %Z}  {job}")
            return
        if once:
            beat()
            results = run_due_jobs(jobs)
            failed = [name for name, outcome in results.items() if outcome is False]
            if failed:
                raise CommandError(f"Tâche(s) en échec : {', '.join(failed)} (détails dans le journal).")
            return
        scheduler = Scheduler(jobs)

        def stop(signum, frame):
            scheduler.stop()
            # A second signal interrupts at once, without waiting for the running jobs.
            signal.signal(signal.SIGINT, signal.default_int_handler)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        scheduler.run_forever()
