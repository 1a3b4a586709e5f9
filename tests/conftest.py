import pytest
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
