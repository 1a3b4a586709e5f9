"""Who may reach the companies endpoints (see relais.core.access)."""

from relais.core.access import EVERYONE, Access

ACCESS = {
    "companies:search": Access(EVERYONE),
}
