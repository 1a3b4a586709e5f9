"""Who may reach the help pages (see relais.core.access)."""

from relais.core.access import EVERYONE, Access

ACCESS = {
    "assistance:help": Access(EVERYONE),
    "assistance:contact": Access(EVERYONE),
    "assistance:contact_sent": Access(EVERYONE),
}
