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
import sys
import time

from harness import (
    Load,
    add_platform_arguments,
    check_integrity,
    close,
    measure_and_pace,
    merged_percentile,
    platform_from,
    print_results,
)

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/relais_ops_soak"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=600, help="secondes de charge mesurée (défaut 600)")
    add_platform_arguments(parser, database=DEFAULT_DATABASE, web_port=8150, sink_port=8151)
    args = parser.parse_args()
    platform = platform_from(args)
    accepted: set[str] = set()
    try:
        fixtures = platform.prepare()
        platform.start_all()
        platform.sign_in_fixtures(fixtures)
        paced = measure_and_pace(platform, fixtures, args, accepted)
        targets = paced.targets
        print(f"\nmaximum mesuré ({args.probe} s sans pause) : {paced.max_rps:.1f} req/s")
        print_results(paced.maximum)
        print(f"\ncible {args.share:.0%} : {sum(targets.values()):.1f} req/s ; charge de {args.duration} s…")
        started = time.monotonic()
        results = Load(platform, fixtures, run=4, duration=args.duration, delays_ms=paced.delays_ms).wait()
        for result in results.values():
            accepted.update(result.accepted)
        print(f"charge terminée en {time.monotonic() - started:.0f} s ; vidage de la boîte d'envoi…")
        drained = platform.wait_outbox_drained(timeout=300)
        integrity = check_integrity(platform, accepted)
        health = platform.get("/sante/").json()
        metrics = platform.get("/metriques/", headers={"Authorization": f"Bearer {platform.metrics_token}"}).text
        dead = platform.dead_processes()
    finally:
        close(platform, keep=args.keep)

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
    counted = sum(
        float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith("relais_http_request_duration_seconds_count{")
    )
    print(f"/metriques/ : {counted:.0f} requêtes mesurées, tous workers gunicorn additionnés")
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
