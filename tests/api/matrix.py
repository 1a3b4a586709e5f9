"""The API objects of the permission matrix: partner A (its administrator is a role of the matrix) with a key, a
landing, a subject and a request filed through the API."""

from relais.accounts.models import User
from relais.api.enums import PartnerKind, Scope
from relais.api.models import Partner
from relais.api.services.keys import create_key
from relais.conseillers_entreprises.models import Landing
from relais.core.access import Role
from tests.conseillers_entreprises.factories import SolicitationFactory, SubjectFactory


def targets(world) -> dict[str, dict]:
    administrator = User.objects.create_user(email="cles@partenaire-a.fr", password=None)
    world.users[Role.PARTNER_ADMIN] = administrator
    partner = Partner.objects.create(
        name="Partenaire A", kind=PartnerKind.AUTHORISED_BODY, allowed_scopes=[Scope.CE_READ]
    )
    partner.administrators.add(administrator)
    key, _secret = create_key(partner=partner, name="Production", scopes=[Scope.CE_READ], actor=administrator)
    return {
        "api.partner": {"public_id": partner.public_id},
        "api.key": {"public_id": key.public_id},
        "api.landing": {"slug": Landing.objects.create(slug="partenaire-a", title="Partenaire A").slug},
        "api.subject": {"slug": SubjectFactory().slug},
        "api.solicitation": {"id": SolicitationFactory().public_id},
    }
