"""Who may reach the territories endpoints (see relais.core.access)."""

from relais.core.access import EVERYONE, Access

ACCESS = {
    "territories:communes_autocomplete": Access(EVERYONE),
}
