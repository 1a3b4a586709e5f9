import errno
import json
import logging
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.decorators import login_not_required
from django.db import OperationalError
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from pythonjsonlogger.json import JsonFormatter

from relais.core import logs
from relais.core.scheduler import beat
from relais.notifications.enums import EmailStatus
from relais.notifications.models import Email
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@login_not_required
def database_down(request):
    raise OperationalError("server closed the connection unexpectedly")


@login_not_required
def disk_full(request):
    raise OSError(errno.ENOSPC, "No space left on device")


def logs_something(request):
    logging.getLogger("relais.tests").warning("dans la vue")
    return HttpResponse("ok")


urlpatterns = [
    path("panne-base/", database_down),
    path("disque-plein/", disk_full),
    path("journal/", logs_something),
    path("", include("config.urls")),
]
handler500 = "relais.core.views.server_error"


def test_ready_platform_answers_200_with_every_check(client):
    beat()
    response = client.get("/sante/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "tasks", "scheduler", "outbox"}
    assert body["checks"]["outbox"] == {
        "status": "ok",
        "pending": 0,
        "sending": 0,
        "failed": 0,
        "oldest_due_age_seconds": 0.0,
    }
    assert response["Cache-Control"].startswith("max-age=0")
    # Nothing that identifies the software or the machine.
    assert "version" not in response.content.decode().lower()


def test_no_scheduler_heartbeat_makes_the_platform_not_ready_but_not_the_instance(client):
    response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json()["checks"]["scheduler"]["status"] == "error"
    instance = client.get("/sante/instance/")
    assert instance.status_code == 200
    assert set(instance.json()["checks"]) == {"database", "cache"}


def test_stale_heartbeat_and_late_emails_and_tasks_are_reported(client, settings):
    settings.TASK_BACKEND = "database"
    beat(timezone.now() - timedelta(minutes=10))
    Email.objects.create(to=["a@exemple.fr"], subject="s", text_body="t", html_body="h", template="x")
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="relais.notifications.tasks.send_email",
        backend_name="default",
        queue_name="default",
        run_after=get_date_max(),
    )
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        response = client.get("/sante/")
    checks = response.json()["checks"]
    assert response.status_code == 503
    assert checks["scheduler"]["status"] == "error"
    assert checks["scheduler"]["heartbeat_age_seconds"] > 3600
    assert checks["outbox"]["status"] == "error"
    assert checks["outbox"]["pending"] == 1
    assert checks["tasks"]["status"] == "error"
    assert checks["tasks"]["ready"] == 1


def test_failed_emails_are_a_warning_that_keeps_the_platform_ready(client):
    beat()
    Email.objects.create(
        to=["a@exemple.fr"], subject="s", text_body="t", html_body="h", template="x", status=EmailStatus.FAILED
    )
    response = client.get("/sante/")
    assert response.status_code == 200
    assert response.json()["checks"]["outbox"]["status"] == "warning"


def test_database_down_makes_health_503(client, monkeypatch):
    from relais.core import health

    monkeypatch.setitem(health._CHECKS, "database", (database_down, True))
    response = client.get("/sante/instance/")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"status": "error", "message": "base de données injoignable"}


def test_liveness_touches_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/sante/vivant/")
    assert response.json() == {"status": "ok"}


@pytest.mark.urls(__name__)
def test_database_outage_shows_the_dsfr_503_page_not_a_500(caplog):
    client = Client(raise_request_exception=False)
    response = client.get("/panne-base/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    content = response.content.decode()
    assert "Service momentanément indisponible" in content
    assert "dsfr.min.css" in content
    assert "Traceback" not in content


@pytest.mark.urls(__name__)
def test_full_disk_shows_a_french_507_page():
    response = Client(raise_request_exception=False).get("/disque-plein/")
    assert response.status_code == 507
    assert "espace de stockage des fichiers du service est plein" in response.content.decode()


def test_metrics_need_the_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metriques/").status_code == 404
    settings.METRICS_TOKEN = "jeton-de-test"
    assert client.get("/metriques/").status_code == 401
    assert client.get("/metriques/", HTTP_AUTHORIZATION="Bearer mauvais").status_code == 401


def test_metrics_expose_latency_per_view_and_the_shared_state(client, settings):
    settings.METRICS_TOKEN = "jeton-de-test"
    beat()
    client.get("/")
    response = client.get("/metriques/", HTTP_AUTHORIZATION="Bearer jeton-de-test")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'relais_http_request_duration_seconds_count{method="GET",status="2xx",view="core:home"}' in text
    assert 'relais_health_ok{check="database"} 1.0' in text
    assert "relais_outbox_pending 0.0" in text
    assert "relais_scheduler_heartbeat_age_seconds" in text
    assert "relais_routing_duration_seconds_bucket" in text


def test_each_request_has_an_id_and_one_log_line_without_personal_data(client, caplog):
    with caplog.at_level(logging.INFO, logger="relais.requests"):
        response = client.get("/?email=claire.martin@exemple.fr", HTTP_X_REQUEST_ID="proxy-1234abcd")
    assert response["X-Request-ID"] == "proxy-1234abcd"
    [record] = [record for record in caplog.records if record.name == "relais.requests"]
    assert (record.view, record.status, record.method) == ("core:home", 200, "GET")
    assert record.duration_ms > 0
    assert "claire" not in record.getMessage()
    # A forged id (spaces, newlines) is replaced by one of ours.
    assert client.get("/", HTTP_X_REQUEST_ID="a b\nc")["X-Request-ID"] != "a b\nc"


@pytest.mark.urls(__name__)
def test_log_lines_of_a_request_carry_its_id_and_user_in_json(client):
    user = UserFactory()
    client.force_login(user)
    stream_records = []

    class Capture(logging.Handler):
        def emit(self, record):
            stream_records.append(self.format(record))

    handler = Capture()
    handler.addFilter(logs.RequestContextFilter())
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s",
            rename_fields={"levelname": "level", "name": "logger"},
        )
    )
    logger = logging.getLogger("relais.tests")
    logger.addHandler(handler)
    try:
        client.get("/journal/", HTTP_X_REQUEST_ID="proxy-5678efgh")
    finally:
        logger.removeHandler(handler)
    line = json.loads(stream_records[0])
    assert line["message"] == "dans la vue"
    assert line["request_id"] == "proxy-5678efgh"
    assert line["user_id"] == user.pk
    assert user.email not in stream_records[0]


def test_the_error_tracker_starts_with_a_dsn_and_sends_no_personal_data():
    code = (
        "import sentry_sdk; o = sentry_sdk.get_client().options; "
        "print(sentry_sdk.get_client().is_active(), o['send_default_pii'], o['max_request_body_size'], "
        "o['include_local_variables'])"
    )
    environment = {**os.environ, "DJANGO_ENV": "test", "SENTRY_DSN": "http://cle@127.0.0.1:9/1"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.stdout.split() == ["True", "False", "never", "False"], result.stderr


def test_django_request_warnings_name_the_route_not_the_path(client):
    seen = []

    class Capture(logging.Handler):
        def emit(self, record):
            seen.append(record.getMessage())

    handler = Capture()
    handler.addFilter(logs.RequestContextFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        client.get("/satisfaction/jeton-secret-signe/")
    finally:
        logger.removeHandler(handler)
    assert seen and all("jeton-secret-signe" not in message for message in seen)
    assert "satisfaction/<str:token>/" in seen[0]
