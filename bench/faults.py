"""Faults under load: the platform of soak.py, the same paced mix, and one outage per scenario, each with a verdict.

Usage: .venv/bin/python bench/faults.py [--only pg_restart smtp_down worker_kill redis_down disk_full]
Scenarios (bounded; every service stopped is started again, even on error):
  pg_restart   PostgreSQL restarted (pg_ctlcluster … restart) mid-load: DSFR 503 page, never a 500; the site
               serves again within 10 s of the database; every filing row complete or absent.
  smtp_down    the SMTP sink stopped for 2 minutes: emails wait, then all leave, none twice.
  worker_kill  the db_worker killed (SIGKILL) while it talks to the SMTP server: the email leaves exactly once
               after recovery (EMAIL_CLAIM_TIMEOUT=60 s here).
  redis_down   Redis stopped 25 s: no 5xx, limits per process, said in the logs; Redis restarted with the
               machine's own command.
  disk_full    the uploads folder on a full 512 kB tmpfs: French error, nothing half-stored.
PostgreSQL and Redis are shared with other work on this machine: each is stopped once, briefly.
The last line printed is `RESULT scenarios=N passed=P`.
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

import httpx
from harness import (
    SLOW_MARKER,
    Load,
    Platform,
    add_platform_arguments,
    check_integrity,
    close,
    file_request,
    measure_and_pace,
    message_id,
    platform_from,
    print_results,
    wait_for,
)

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/relais_ops_faults"
PG_RESTART = ["pg_ctlcluster", "--skip-systemctl-redirect", "{version}", "main", "restart"]
# The command this machine's services were started with (python-svc.md): the bench leaves Redis as it found it.
REDIS_START = [
    "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", "",
    "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log",
]  # fmt: skip
RECOVERY_LIMIT_S = 10
# Public forms with a file field (Conseiller numérique: the candidate's CV; privacy: proof of identity), tried when
# this build serves them.
UPLOAD_PAGES = ["/conseiller-numerique/candidature/", "/donnees-personnelles/exercer-mes-droits/"]


@dataclass
class Verdict:
    name: str
    passed: bool = True
    facts: list[str] = field(default_factory=list)

    def check(self, condition: bool, fact: str) -> None:
        self.facts.append(("ok   " if condition else "ÉCHEC ") + fact)
        self.passed = self.passed and bool(condition)


class Prober(threading.Thread):
    """Asks for the instance health page every 0.25 s and notes (time, status, DSFR page or not)."""

    def __init__(self, platform: Platform):
        super().__init__(daemon=True)
        self.platform, self.stop_event, self.samples = platform, threading.Event(), []

    def run(self) -> None:
        while not self.stop_event.is_set():
            try:
                page = self.platform.get("/aide-entreprise/accueil/")
                self.samples.append((time.monotonic(), page.status_code, "Service momentan" in page.text))
            except Exception:
                self.samples.append((time.monotonic(), 0, False))
            time.sleep(0.25)

    def stop(self) -> None:
        self.stop_event.set()
        self.join(timeout=15)


class Bench:
    def __init__(self, platform: Platform, fixtures, delays: dict[str, float]):
        self.platform, self.fixtures, self.delays = platform, fixtures, delays
        self.run_number = 10
        self.accepted: set[str] = set()

    def load(self, duration: int) -> Load:
        self.run_number += 1
        return Load(self.platform, self.fixtures, run=self.run_number, duration=duration, delays_ms=self.delays)

    def finish(self, load: Load, verdict: Verdict, *, drain_s: int = 240, allow_503: bool = False) -> None:
        """Wait for the load, then judge what every scenario must keep: no Django error page, every accepted
        filing stored complete and once, every email sent once."""
        results = load.wait()
        print_results(results)
        for result in results.values():
            self.accepted.update(result.accepted)
        bad = sum(result.bad_bodies for result in results.values())
        unavailable = sum(result.statuses.get(503, 0) for result in results.values())
        other_5xx = sum(result.errors_5xx for result in results.values()) - unavailable
        verdict.check(bad == 0 and other_5xx == 0, f"aucune page d'erreur de Django ni 500 ({bad} corps fautifs)")
        if allow_503:
            verdict.facts.append(f"     {unavailable} réponses 503 (page DSFR d'indisponibilité)")
        else:
            verdict.check(unavailable == 0, f"aucune réponse 503 ({unavailable})")
        load_end = time.monotonic()
        drained = self.platform.wait_outbox_drained(timeout=drain_s)
        integrity = check_integrity(self.platform, self.accepted)
        verdict.check(drained, f"boîte d'envoi vidée {time.monotonic() - load_end:.0f} s après la fin de la charge")
        verdict.check(integrity["lost_filings"] == 0, f"dépôts acceptés tous en base ({integrity['filings']})")
        verdict.check(integrity["incomplete_filings"] == 0, f"aucun dépôt à moitié écrit ({integrity['rows']} lignes)")
        verdict.check(
            integrity["duplicated_filings"] == 0 and integrity["duplicated_emails"] == 0,
            f"aucun doublon (dépôts {integrity['duplicated_filings']}, courriels {integrity['duplicated_emails']})",
        )
        verdict.check(
            integrity["emails_unsent"] == 0 and integrity["emails_failed"] == 0,
            f"courriels tous reçus une fois ({integrity['emails_sent']}/{integrity['emails_queued']})",
        )
        dead = self.platform.dead_processes()
        verdict.check(not dead, f"processus toujours en vie {dead or ''}")

    # Scenarios

    def pg_restart(self) -> Verdict:
        verdict = Verdict("pg_restart")
        version = sorted(os.listdir("/etc/postgresql"))[-1]
        prober = Prober(self.platform)
        prober.start()
        load = self.load(60)
        time.sleep(15)
        restart_started = time.monotonic()
        subprocess.run([part.format(version=version) for part in PG_RESTART], check=True, capture_output=True)
        wait_for(lambda: subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0, 60, "PostgreSQL")
        database_back = time.monotonic()
        recovered = wait_for(lambda: prober.samples and prober.samples[-1][0] > database_back
                             and prober.samples[-1][1] == 200, 30, None, interval=0.1)  # fmt: skip
        recovery = next((t for t, status, _ in prober.samples if t > database_back and status == 200), None)
        verdict.facts.append(f"     PostgreSQL indisponible {database_back - restart_started:.1f} s")
        verdict.check(
            recovered and recovery is not None and recovery - database_back <= RECOVERY_LIMIT_S,
            f"site rétabli {recovery - database_back:.1f} s après la base" if recovery else "site non rétabli",
        )
        self.finish(load, verdict, allow_503=True)
        prober.stop()
        outage = [(status, dsfr) for t, status, dsfr in prober.samples if restart_started <= t <= database_back]
        verdict.check(
            all(status in (200, 503) and (status != 503 or dsfr) for status, dsfr in outage),
            f"pendant la coupure : {sum(s == 503 for s, _ in outage)} pages 503 DSFR, "
            f"{sum(s == 200 for s, _ in outage)} pages servies, aucune autre réponse",
        )
        return verdict

    def smtp_down(self) -> Verdict:
        verdict = Verdict("smtp_down")
        load = self.load(150)
        time.sleep(10)
        self.platform.stop("sink")
        time.sleep(110)
        waiting = sum(email["status"] != "sent" for email in self.platform.audit()["emails"])
        verdict.check(waiting > 0, f"{waiting} courriels en attente pendant la panne")
        time.sleep(10)
        self.platform.start_sink()
        self.finish(load, verdict, drain_s=420)
        return verdict

    def worker_kill(self) -> Verdict:
        verdict = Verdict("worker_kill")
        load = self.load(60)
        time.sleep(5)
        marked_email = f"soak-{SLOW_MARKER}@exemple.fr"
        file_request(self.platform, self.fixtures, email=marked_email, number=self.run_number)

        def holding() -> bool:
            lines = self.platform.sink_log.read_text().splitlines()
            return any(json.loads(line)["event"] == "holding" for line in lines)

        wait_for(holding, 30, "le travailleur n'a pas commencé l'envoi du courriel suivi")
        self.platform.stop("worker", signal.SIGKILL)
        verdict.facts.append("     travailleur tué (SIGKILL) pendant l'échange SMTP, puis relancé")
        self.platform.start_worker()
        audit_email = self._email_to(marked_email)
        arrived = wait_for(lambda: self.platform.sink_received().get(message_id(audit_email["id"])), 240, None, 5)
        email = self._email_to(marked_email)
        count = self.platform.sink_received().get(message_id(email["id"]), 0)
        verdict.check(arrived and count == 1, f"courriel interrompu reçu {count} fois")
        verdict.check(email["status"] == "sent", f"courriel interrompu « {email['status']} » en base")
        self.finish(load, verdict)
        return verdict

    def _email_to(self, address: str) -> dict:
        return self.platform.shell(
            "import json; from relais.notifications.models import Email; "
            f"e = Email.objects.get(to__contains=[{address!r}]); "
            "print(json.dumps({'id': str(e.public_id), 'status': e.status, 'attempts': e.attempts}))"
        )

    def redis_down(self) -> Verdict:
        verdict = Verdict("redis_down")
        load = self.load(60)
        time.sleep(10)
        try:
            subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "shutdown", "nosave"], capture_output=True)
            time.sleep(10)
            health = self.platform.get("/sante/instance/")
            cache = health.json()["checks"]["cache"]
            verdict.check(
                health.status_code == 200 and cache["status"] == "warning",
                f"/sante/instance/ {health.status_code}, cache « {cache['status']} » : {cache.get('message', '')}",
            )
            time.sleep(15)
        finally:
            subprocess.run(REDIS_START, capture_output=True)
            wait_for(lambda: subprocess.run(["redis-cli", "ping"], capture_output=True).returncode == 0, 30, "Redis")
        self.finish(load, verdict)
        log = self.platform.log_text("web")
        verdict.check("Redis injoignable" in log, "journal : « Redis injoignable … comptés par processus »")
        verdict.check("Redis de nouveau joignable" in log, "journal : « Redis de nouveau joignable »")
        return verdict

    def disk_full(self) -> Verdict:
        verdict = Verdict("disk_full")
        media = self.platform.media
        load = self.load(30)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(media)], check=True)
        try:
            filler = media / "remplissage"
            subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=4k"], capture_output=True)
            self._upload_pages_refuse_cleanly(verdict)
            outcome = self.platform.shell(DISK_FULL_SNIPPET)
            verdict.check(outcome["field_error"].startswith("Le service ne peut pas enregistrer de fichier"),
                          f"erreur sur le champ : « {outcome['field_error']} »")  # fmt: skip
            verdict.check(outcome["write_error"] == "ENOSPC", "écriture interrompue par le disque plein (ENOSPC)")
            verdict.check(outcome["files"] == ["remplissage"], f"aucun fichier partiel laissé ({outcome['files']})")
            verdict.check(not outcome["row_kept"], "la ligne écrite avec le fichier est annulée")
            verdict.check(outcome["page_status"] == 507 and "plein" in outcome["page"], "page 507 en français")
        finally:
            subprocess.run(["umount", str(media)], capture_output=True)
        self.finish(load, verdict)
        return verdict

    def _upload_pages_refuse_cleanly(self, verdict: Verdict) -> None:
        """Each public upload form of the product that this build serves gets a PDF on the full disk: the page
        must come back with the French error on the file field, and nothing may land on the disk."""
        served = 0
        for path in UPLOAD_PAGES:
            page = self.platform.get(path)
            fields = [name for tag in re.findall(r"<input[^>]*>", page.text) if 'type="file"' in tag
                      for name in re.findall(r'name="([^"]+)"', tag)]  # fmt: skip
            if page.status_code != 200 or not fields:
                continue
            served += 1
            cookie = page.headers.get("set-cookie", "").split("csrftoken=", 1)[-1].split(";", 1)[0]
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            answer = httpx.post(
                self.platform.base_url + path,
                data={"csrfmiddlewaretoken": token},
                files={fields[0]: ("cv.pdf", b"%PDF-1.4\n" + os.urandom(300 * 1024), "application/pdf")},
                headers={"Cookie": f"csrftoken={cookie}", "X-Forwarded-For": "192.0.2.200"},
                timeout=15,
            )
            stored = sorted(name for name in os.listdir(self.platform.media) if name != "remplissage")
            verdict.check(
                answer.status_code == 200 and "son espace de stockage est plein" in answer.text and not stored,
                f"{path} : {answer.status_code}, erreur en français sur « {fields[0]} », rien d'écrit {stored or ''}",
            )
        if not served:
            verdict.facts.append(
                "     aucun formulaire public de dépôt de fichier n'est servi par ce dépôt "
                f"({', '.join(UPLOAD_PAGES)}) : le champ et le stockage du produit sont exercés dans un processus "
                "de la plateforme (réglages de production)"
            )


DISK_FULL_SNIPPET = """
import errno, json, os
from django import forms
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import RequestFactory
from relais.core.models import JobRun
from relais.core.uploads import PDF, UploadField
from relais.core import views

class ProofForm(forms.Form):
    proof = UploadField(kinds=(PDF,))

pdf = b"%PDF-1.4\\n" + os.urandom(300 * 1024)
form = ProofForm(data={}, files={"proof": SimpleUploadedFile("preuve.pdf", pdf)})
field_error = "" if form.is_valid() else form.errors["proof"][0]
# The disk fills up between the check and the write (another upload, a log): the storage must clean up.
os.remove(os.path.join(default_storage.location, "remplissage"))
with open(os.path.join(default_storage.location, "remplissage"), "wb") as filler:
    filler.write(b"0" * (400 * 1024))
write_error, response = "", None
try:
    with transaction.atomic():
        JobRun.objects.create(job="banc-disque-plein", slot="2000-01-01T00:00:00Z", host="banc")
        default_storage.save("preuves/preuve.pdf", ContentFile(pdf))
except OSError as error:
    write_error = errno.errorcode.get(error.errno, str(error.errno))
    # What Django's handler shows the visitor for this very exception.
    response = views.server_error(RequestFactory().post("/"))
files = sorted(os.listdir(default_storage.location))
files += [f"preuves/{name}" for name in os.listdir(os.path.join(default_storage.location, "preuves"))] \\
    if os.path.isdir(os.path.join(default_storage.location, "preuves")) else []
print(json.dumps({"field_error": field_error, "write_error": write_error,
                  "files": [name for name in files if name != "preuves"],
                  "row_kept": JobRun.objects.filter(job="banc-disque-plein").exists(),
                  "page_status": response and response.status_code,
                  "page": response.content.decode() if response else ""}))
"""

SCENARIOS = ["pg_restart", "smtp_down", "worker_kill", "redis_down", "disk_full"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=SCENARIOS, default=SCENARIOS)
    add_platform_arguments(parser, database=DEFAULT_DATABASE, web_port=8152, sink_port=8153)
    parser.set_defaults(probe=20, calibration=15)
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("faults.py redémarre PostgreSQL et Redis et monte un tmpfs : lancez-le en root")
    platform = platform_from(args)
    verdicts: list[Verdict] = []
    try:
        fixtures = platform.prepare()
        platform.start_all()
        platform.sign_in_fixtures(fixtures)
        accepted: set[str] = set()
        paced = measure_and_pace(platform, fixtures, args, accepted)
        bench = Bench(platform, fixtures, paced.delays_ms)
        bench.accepted = accepted
        load_rps = sum(paced.targets.values())
        print(f"maximum mesuré {paced.max_rps:.1f} req/s ; charge de chaque scénario : {load_rps:.1f} req/s")
        for name in args.only:
            print(f"\n== {name}")
            started = time.monotonic()
            try:
                verdict = getattr(bench, name)()
            except Exception as error:
                verdict = Verdict(name, passed=False, facts=[f"ÉCHEC interrompu : {error!r}"])
            verdicts.append(verdict)
            print("\n".join(verdict.facts))
            print(f"{name} : {'RÉUSSI' if verdict.passed else 'ÉCHEC'} ({time.monotonic() - started:.0f} s)")
    finally:
        close(platform, keep=args.keep)

    print()
    for verdict in verdicts:
        print(f"{verdict.name:<12} {'réussi' if verdict.passed else 'ÉCHEC'}")
    passed = sum(verdict.passed for verdict in verdicts)
    print(f"RESULT scenarios={len(verdicts)} passed={passed}")
    return 0 if passed == len(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
