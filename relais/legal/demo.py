from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q

from .scopes import PORTAL_SCOPE, RELAIS_SERVICE_NAMES
from .services import accept_terms, current_terms


@transaction.atomic
def load_demo() -> None:
    """Load the terms, and accept them for the demo accounts already created, so that the demo opens on the
    services; publishing a new version from the admin then shows the acceptance page at the next visit."""
    call_command("import_terms", stdout=StringIO(), stderr=StringIO())
    versions = [version for scope in (PORTAL_SCOPE, *RELAIS_SERVICE_NAMES) if (version := current_terms(scope))]
    # Demo accounts live under relais.test and its subdomains (cn.relais.test…).
    demo = Q(email__endswith="@relais.test") | Q(email__endswith=".relais.test")
    for user in get_user_model().objects.filter(demo):
        accept_terms(user=user, versions=versions)
