"""Who may reach the terms pages (see relais.core.access)."""

from relais.core.access import EVERYONE, SIGNED_IN, Access

ACCESS = {
    "legal:accept": Access(SIGNED_IN),
    "legal:version_list": Access(EVERYONE),
    "legal:version_detail": Access(EVERYONE, target="legal.version"),
}
