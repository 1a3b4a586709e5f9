import pytest

from relais.organizations.catalogue import load_digital_services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def catalogue(db):
    load_digital_services()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what the block defers to after the commit (the pairs' recomputation, the
    emails), as the worker would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
