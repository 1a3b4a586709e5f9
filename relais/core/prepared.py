"""Statements that PostgreSQL plans once per database connection.

A few hot queries (the routing of a need: where the establishment is, which teams cover it) cost more to plan than
to run: PostgreSQL plans each statement it receives, and planning a query with several joins and a union takes
longer than executing it on the indexes. On PostgreSQL, `execute` sends such a query once per connection as
`PREPARE name AS …` and then runs `EXECUTE name(…)`; the plan is kept by the server for the connection's life
(`CONN_MAX_AGE`). Elsewhere (SQLite), the query runs as is.

The executions go through Django's cursor, so query counts, logs and metrics see them as any query. A prepared statement
survives a rolled-back transaction; it belongs to the server session, so a pooler in front of PostgreSQL must keep
sessions: PgBouncer in session mode. In transaction mode PgBouncer tracks only the statements prepared by the
protocol (Parse/Bind, with `max_prepared_statements`), not SQL's PREPARE and EXECUTE: an EXECUTE would reach another
server session and fail. Behind such a pooler, `DATABASE_PREPARED_STATEMENTS=false` runs the queries as is.
"""

import re
import weakref

from django.conf import settings
from django.db import connection

# For each DB-API connection (a new one after a reconnection), the names already prepared on it.
_prepared: "weakref.WeakKeyDictionary[object, set[str]]" = weakref.WeakKeyDictionary()
_PLACEHOLDER = re.compile(r"%s")


def execute(cursor, name: str, sql: str, params: list) -> None:
    """Run `sql` (with `%s` placeholders and no other `%`) with `params` on `cursor`, prepared under `name` on
    PostgreSQL (unless `settings.DATABASE_PREPARED_STATEMENTS` is off). The same name must always be given the same
    text and the same number of parameters."""
    if connection.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS:
        cursor.execute(sql, params)
        return
    names = _prepared.setdefault(connection.connection, set())
    if name not in names:
        numbers = iter(range(1, len(params) + 1))
        # On the DB-API connection itself: preparing is the connection's set-up, not a query of the caller (query
        # counts stay the same whether the statement was already prepared or not).
        with connection.connection.cursor() as setup:
            setup.execute(f"PREPARE {name} AS {_PLACEHOLDER.sub(lambda _match: f'${next(numbers)}', sql)}")
        names.add(name)
    cursor.execute(f"EXECUTE {name}({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}", params)
