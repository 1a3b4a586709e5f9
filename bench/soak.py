"""Soak: Relais under a mixed load at 70 % of its measured maximum, then a check that nothing was lost or doubled.

Usage: .venv/bin/python bench/soak.py [--duration 600] [--share 0.7]
Starts, on 127.0.0.1: gunicorn (4 workers, DJANGO_ENV=production) on a PostgreSQL database of its own (dropped and
created again: relais_ops_soak by default) with Redis, a db_worker, the scheduler and an SMTP sink. Measures the
maximum (all kinds at once, wrk without pause), paces the mix (harness.WEIGHTS) to `share` of that maximum, runs it
`--duration` seconds, waits for the outbox to empty, then checks every accepted filing and every email.
The last line printed is
`RESULT rps=… p99_ms=… errors_5xx=… filings=… rows=… emails_queued=… emails_sent=… duplicated=…`.
"""

import argparse
import shutil
import sys
import time

from harness import (
    CONNECTIONS,
    Load,
    Platform,
    check_integrity,
    corrected_delays,
    merged_percentile,
    pacing,
    print_results,
)

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/relais_ops_soak"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=600, help="secondes de charge mesurée (défaut 600)")
    parser.add_argument("--share", type=float, default=0.7, help="part du maximum mesuré (défaut 0,7)")
    parser.add_argument("--probe", type=int, default=30, help="secondes de mesure du maximum (défaut 30)")
    parser.add_argument("--calibration", type=int, default=20, help="secondes de réglage du rythme (défaut 20)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE, help="base PostgreSQL locale, recréée")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/5", help="base Redis locale, vidée")
    parser.add_argument("--web-port", type=int, default=8150)
    parser.add_argument("--sink-port", type=int, default=8151)
    parser.add_argument("--keep", action="store_true", help="garde le dossier temporaire (journaux)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk est introuvable : apt-get install -y wrk")

    platform = Platform(
        database_url=args.database_url, redis_url=args.redis_url, web_port=args.web_port, sink_port=args.sink_port
    )
    accepted: set[str] = set()
    try:
        fixtures = platform.prepare()
        platform.start_all()
        platform.sign_in_fixtures(fixtures)
        no_pause = dict.fromkeys(CONNECTIONS, 0)

        def run(number: int, duration: int, delays: dict[str, float]):
            results = Load(platform, fixtures, run=number, duration=duration, delays_ms=delays).wait()
            for result in results.values():
                accepted.update(result.accepted)
            return results

        run(1, 5, no_pause)  # warm-up: templates compiled, connections opened
        maximum = run(2, args.probe, no_pause)
        max_rps = sum(result.rps for result in maximum.values())
        print(f"\nmaximum mesuré ({args.probe} s sans pause) : {max_rps:.1f} req/s")
        print_results(maximum)
        targets, delays = pacing(max_rps, args.share)
        calibration = run(3, args.calibration, delays)
        delays = corrected_delays(targets, calibration)
        print(f"\ncible {args.share:.0%} : {sum(targets.values()):.1f} req/s ; charge de {args.duration} s…")
        started = time.monotonic()
        results = run(4, args.duration, delays)
        print(f"charge terminée en {time.monotonic() - started:.0f} s ; vidage de la boîte d'envoi…")
        drained = platform.wait_outbox_drained(timeout=300)
        integrity = check_integrity(platform, accepted)
        health = platform.get("/sante/").json()
        dead = platform.dead_processes()
    finally:
        platform.stop_all()
        if args.keep:
            print(f"journaux gardés dans {platform.tmp}")
        else:
            shutil.rmtree(platform.tmp, ignore_errors=True)

    rps = sum(result.rps for result in results.values())
    p99 = merged_percentile(results, 99)
    errors_5xx = sum(result.errors_5xx for result in results.values())
    socket_errors = sum(sum(result.socket_errors.values()) for result in results.values())
    duplicated = integrity["duplicated_filings"] + integrity["duplicated_emails"]
    print(f"\ncharge à {args.share:.0%} pendant {args.duration} s (cible {sum(targets.values()):.1f} req/s)")
    print_results(results)
    print(f"\ntoutes requêtes : {rps:.1f} req/s, p50 {merged_percentile(results, 50):.1f} ms, p99 {p99:.1f} ms")
    print(f"erreurs réseau (connexion, lecture, délai) : {socket_errors}")
    print("intégrité : " + ", ".join(f"{key}={value}" for key, value in integrity.items()))
    print(f"boîte d'envoi vidée : {'oui' if drained else 'NON'} ; /sante/ : {health['status']}")
    if dead:
        print(f"processus arrêtés pendant la charge : {', '.join(dead)}")
    failures = [
        message
        for failed, message in [
            (errors_5xx, f"{errors_5xx} réponses 5xx"),
            (socket_errors, f"{socket_errors} erreurs réseau"),
            (p99 > 500, f"p99 {p99:.0f} ms > 500 ms"),
            (integrity["lost_filings"], f"{integrity['lost_filings']} dépôts acceptés introuvables"),
            (integrity["incomplete_filings"], f"{integrity['incomplete_filings']} dépôts incomplets"),
            (integrity["emails_unsent"], f"{integrity['emails_unsent']} courriels non reçus"),
            (duplicated, f"{duplicated} doublons"),
            (not drained, "boîte d'envoi non vidée"),
            (dead, "processus arrêtés"),
        ]
        if failed
    ]
    print("verdict : " + ("objectifs atteints" if not failures else "ÉCHEC — " + " ; ".join(failures)))
    print(
        f"RESULT rps={rps:.1f} p99_ms={p99:.1f} errors_5xx={errors_5xx} filings={integrity['filings']} "
        f"rows={integrity['rows']} emails_queued={integrity['emails_queued']} "
        f"emails_sent={integrity['emails_sent']} duplicated={duplicated}"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
