import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    # Login throttling counts failures in the cache.
    cache.clear()
    yield
    cache.clear()
