import pytest
from django.db.models.sql.compiler import SQLCompiler
from django.db.models.sql.datastructures import Join
from django.test import Client

from tests.accounts.factories import login_with_second_factor

# The browser and axe-core fixtures of the browser tests.
pytest_plugins = ["tests.browser"]


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's admin_client, with the second factor that staff sessions must have passed."""
    client = Client()
    login_with_second_factor(client, admin_user)
    return client


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits, login throttling and cached reads live in the cache: each test starts with an empty one."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _select_for_update_locks_only_its_rows(monkeypatch):
    """Fail on a `select_for_update()` whose query joins other tables without `of=("self",)`.

    PostgreSQL would lock the joined rows too (the service, the user…), and unrelated work would wait on them. The
    check looks at the FROM clause the compiler builds, so it holds on SQLite as well, where FOR UPDATE is not
    emitted; subqueries have their own compiler and do not count.
    """
    original = SQLCompiler.get_from_clause

    def get_from_clause(self):
        result, params = original(self)
        query = self.query
        if (
            query.select_for_update
            and not query.select_for_update_of
            and not query.subquery
            and (len(result) > 1 or " JOIN " in result[0])
        ):
            joined = sorted({join.table_name for join in query.alias_map.values() if isinstance(join, Join)})
            raise AssertionError(
                f"select_for_update() sur {query.model._meta.label} joint {', '.join(joined)} : "
                'ajoutez of=("self",) pour ne verrouiller que ses propres lignes.'
            )
        return result, params

    monkeypatch.setattr(SQLCompiler, "get_from_clause", get_from_clause)
