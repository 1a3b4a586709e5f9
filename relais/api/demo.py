"""Demo: URSSAF (« Mon entreprise ») as an API partner, with an administrator who manages its keys at /partenaires/.

No key is created: its secret would have to be printed, and creating one is the journey to try.
"""

from django.db import transaction

from relais.accounts.models import User
from relais.conseillers_entreprises.models import Institution, Landing
from relais.core.demo import DEMO_PASSWORD

from .enums import PartnerKind, Scope
from .models import Partner

ADMINISTRATOR = ("partenaire.api@relais.test", "Inès", "Partenaire")
LANDINGS = ("mon-entreprise-urssaf-fr", "rh-mon-entreprise-urssaf-fr", "rh-simulateur-urssaf-fr")


@transaction.atomic
def load_demo() -> None:
    institution = Institution.objects.get(slug="urssaf")
    Landing.objects.filter(slug__in=LANDINGS).update(institution=institution)
    partner, _created = Partner.objects.update_or_create(
        name="URSSAF — Mon entreprise",
        defaults={
            "kind": PartnerKind.INSTITUTION,
            "institution": institution,
            "allowed_scopes": [Scope.CE_READ, Scope.CE_FILE],
            "contact_email": "api.urssaf@relais.test",
        },
    )
    email, first_name, last_name = ADMINISTRATOR
    user, created = User.objects.get_or_create(email=email, defaults={"first_name": first_name, "last_name": last_name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    partner.administrators.add(user)


def demo_accounts() -> list[tuple[str, str]]:
    return [(ADMINISTRATOR[0], "administratrice des clés d’API de l’URSSAF (/partenaires/)")]
