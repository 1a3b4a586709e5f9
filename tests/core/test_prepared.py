"""Statements prepared once per connection on PostgreSQL, run as is elsewhere."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from relais.core import prepared

pytestmark = pytest.mark.django_db

SQL = "SELECT CAST(%s AS integer) + CAST(%s AS integer)"


def run(name: str, *params) -> int:
    with connection.cursor() as cursor:
        prepared.execute(cursor, name, SQL, list(params))
        return cursor.fetchone()[0]


def test_each_call_is_one_query_with_its_own_parameters():
    with CaptureQueriesContext(connection) as first:
        assert run("test_addition", 1, 2) == 3
    with CaptureQueriesContext(connection) as second:
        assert run("test_addition", 40, 2) == 42
    # Preparing is the connection's set-up: the caller sees one query, prepared or not.
    assert len(first) == len(second) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares; SQLite runs the text")
@pytest.mark.django_db(transaction=True)
def test_the_statement_is_prepared_once_and_again_on_a_new_connection(settings):
    settings.DATABASE_PREPARED_STATEMENTS = True
    run("test_again", 1, 1)
    with CaptureQueriesContext(connection) as queries:
        assert run("test_again", 2, 3) == 5
    assert queries.captured_queries[0]["sql"].startswith("EXECUTE test_again(")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = 'test_again'")
        assert cursor.fetchone()[0] == 1
    connection.close()
    assert run("test_again", 20, 22) == 42


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares; SQLite runs the text")
def test_behind_a_transaction_pooler_the_statement_runs_as_is(settings):
    settings.DATABASE_PREPARED_STATEMENTS = False
    with CaptureQueriesContext(connection) as queries:
        assert run("test_unprepared", 20, 22) == 42
    assert not queries.captured_queries[0]["sql"].startswith("EXECUTE")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = 'test_unprepared'")
        assert cursor.fetchone()[0] == 0
