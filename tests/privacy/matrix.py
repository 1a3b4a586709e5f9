"""The privacy objects of the permission matrix: an answered access request (with its signed copy link), a request
with a proof of identity in the DPO queue, an incident report."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from relais.core.access import Role
from relais.privacy.enums import DataRight, IncidentKind, RequestStatus, Service
from relais.privacy.models import DataRightsRequest, IncidentReport
from relais.privacy.services.rights_requests import export_token


def targets(world) -> dict[str, dict]:
    now = timezone.now()
    answered = DataRightsRequest.objects.create(
        reference="DR-MATRICE-1",
        right=DataRight.ACCESS,
        service=Service.CONSEILLERS_ENTREPRISES,
        name="Claire Dupont",
        email="claire@exemple.fr",
        details="Une copie de mes données",
        status=RequestStatus.ANSWERED,
        due_at=now + timedelta(days=30),
        closed_at=now,
    )
    pending = DataRightsRequest.objects.create(
        reference="DR-MATRICE-2",
        right=DataRight.ERASURE,
        service=Service.CONSEILLERS_ENTREPRISES,
        name="Paul Martin",
        email="paul@exemple.fr",
        details="Effacez mes données",
        due_at=now + timedelta(days=30),
    )
    pending.identity_proof.save("justificatif.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    incident = IncidentReport.objects.create(
        reference="INC-MATRICE-1",
        kind=IncidentKind.DATA_LOSS,
        description="Un export a été perdu",
        reporter=world.users[Role.AGENT],
    )
    return {
        "privacy.notice": {"service": Service.CONSEILLERS_ENTREPRISES},
        "privacy.export_link": {"token": export_token(answered)},
        "privacy.my_data_format": {"fmt": "json"},
        "privacy.objection": {"slug": "ce-lettre-information"},
        "privacy.rights_request": {"public_id": pending.public_id},
        "privacy.incident": {"public_id": incident.public_id},
    }
