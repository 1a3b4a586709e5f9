"""Demo data of privacy: the DPO and the security team, two rights requests and an incident to handle."""

import io
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from relais.accounts.demo import TWO_FACTOR_HINT, ensure_demo_second_factor
from relais.core.demo import DEMO_PASSWORD

from .enums import DataRight, IncidentKind, RequestEventKind, Service
from .models import DataRightsEvent, DataRightsRequest, IncidentEvent, IncidentReport
from .permissions import DPO_GROUP, SECURITY_GROUP, role_group

# (email, first name, last name, group, role shown to the person who runs the demo)
DEMO_ACCOUNTS = [
    (
        "dpo@relais.test",
        "Dominique",
        "Délégué",
        DPO_GROUP,
        f"Délégué à la protection des données : /donnees-personnelles/demandes/ ; {TWO_FACTOR_HINT}",
    ),
    ("securite@relais.test", "Sam", "Sécurité", SECURITY_GROUP, f"Équipe sécurité : /incidents/ ; {TWO_FACTOR_HINT}"),
]


def _proof() -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), "#e3e3fd").save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="justificatif-demo.png")


@transaction.atomic
def load_demo() -> None:
    user_model = get_user_model()
    for email, first_name, last_name, group, _role in DEMO_ACCOUNTS:
        user, created = user_model.objects.get_or_create(
            email=email, defaults={"first_name": first_name, "last_name": last_name}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(role_group(group))
        ensure_demo_second_factor(user)  # their sessions need a second factor
    now = timezone.now()
    for reference, right, days_ago, name, email, details in (
        ("DR-DEMO-001", DataRight.ACCESS, 3, "Camille Rivoire", "camille.rivoire@soierie.fr",
         "J’ai déposé une demande d’aide au recrutement : je souhaite une copie de mes données."),
        ("DR-DEMO-002", DataRight.ERASURE, 24, "Noé Marchand", "noe.marchand@exemple.fr",
         "Merci d’effacer mes coordonnées et ma demande de l’an dernier."),
    ):  # fmt: skip
        if DataRightsRequest.objects.filter(reference=reference).exists():
            continue
        rights_request = DataRightsRequest(
            reference=reference,
            right=right,
            service=Service.CONSEILLERS_ENTREPRISES,
            name=name,
            email=email,
            details=details,
            received_at=now - timedelta(days=days_ago),
        )
        rights_request.identity_proof.save("justificatif-demo.png", _proof(), save=False)
        rights_request.save()
        DataRightsEvent.objects.create(
            request=rights_request, kind=RequestEventKind.SUBMITTED, created_at=rights_request.received_at
        )
    if not IncidentReport.objects.filter(reference="INC-DEMO-001").exists():
        incident = IncidentReport.objects.create(
            reference="INC-DEMO-001",
            kind=IncidentKind.DISCLOSURE,
            description="La fiche d’un besoin a été transférée par erreur à une adresse extérieure au réseau.",
            personal_data_breach=True,
            reporter_label="Agent de démonstration",
            reported_at=now - timedelta(hours=20),
        )
        IncidentEvent.objects.create(incident=incident, to_status=incident.status, created_at=incident.reported_at)


def demo_accounts() -> list[tuple[str, str]]:
    return [(email, role) for email, _first, _last, _group, role in DEMO_ACCOUNTS]
