"""gunicorn settings for production: `gunicorn config.wsgi -c config/gunicorn.py`.

With PROMETHEUS_MULTIPROC_DIR set (an empty folder, emptied at each start), the latency histograms of every worker
are summed at /metriques/; a worker that exits must be marked dead, or its gauges would linger.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
# The request log is written by Django (relais.requests), as JSON, with the request id.
accesslog = None


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
