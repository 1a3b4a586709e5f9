import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    # The registry caches its answers: a test must not see those of the previous one.
    cache.clear()
    yield
    cache.clear()
