"""Prometheus metrics, served at /metriques/ to a scraper holding METRICS_TOKEN.

Two sources: histograms that each process fills as it works (request latency per view, routing time), summed
across gunicorn workers when PROMETHEUS_MULTIPROC_DIR is set; and gauges of the shared state (outbox, task
queue, scheduler, database) taken from the health checks at scrape time, so that /sante/ and the metrics can
never disagree.
"""

import os

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

from . import health

REQUEST_DURATION = Histogram(
    "relais_http_request_duration_seconds",
    "Durée de traitement des requêtes HTTP, par vue (nom d'URL), méthode et classe de statut.",
    ["view", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
ROUTING_DURATION = Histogram(
    "relais_routing_duration_seconds",
    "Durée du calcul de la mise en relation d'un besoin (route_need).",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1),
)


class HealthCollector:
    """`relais_health_ok{check}` (1 when not in error) and one gauge per number of each check, e.g.
    `relais_outbox_oldest_due_age_seconds`."""

    def collect(self):
        results = health.run_checks()
        ok = GaugeMetricFamily("relais_health_ok", "1 si la vérification n'est pas en erreur.", labels=["check"])
        for name, result in results.items():
            ok.add_metric([name], 0 if result.status == health.ERROR else 1)
        yield ok
        for name, result in results.items():
            for key, value in result.values.items():
                yield GaugeMetricFamily(f"relais_{name}_{key}", f"Vérification « {name} » : {key}.", value=value)


_HEALTH = CollectorRegistry()
_HEALTH.register(HealthCollector())


def exposition() -> tuple[bytes, str]:
    """The text exposition of every metric, summed over the gunicorn workers in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry) + generate_latest(_HEALTH), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY) + generate_latest(_HEALTH), CONTENT_TYPE_LATEST
