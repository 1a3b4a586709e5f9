"""Demo of the support triage: a support account and received solicitations in each tab of the queue."""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from relais.accounts.models import User
from relais.companies.demo import load_demo as load_demo_companies
from relais.companies.models import Establishment
from relais.core.demo import DEMO_PASSWORD

from .cancellation import load_cancellation_templates
from .enums import SolicitationAction, SolicitationSource, SolicitationStatus
from .models import CancellationTemplate, Solicitation, SolicitationEvent, Subject
from .services.needs import NeedDraft
from .services.routing import route_need
from .services.triage import cancel_solicitation, transmit_solicitation
from .taxonomy import import_taxonomy

SUPPORT_GROUP = "Équipe support Conseillers-Entreprises"
SUPPORT_EMAIL = "support@relais.test"


@dataclass(frozen=True)
class DemoSolicitation:
    token: str  # fixed submission token: what makes loading the demo twice create nothing new
    siret: str
    subject_slug: str
    first_name: str
    last_name: str
    email: str
    description: str
    days_ago: int
    outcome: str = ""  # "" stays to process, "transmit", or the slug of a cancellation template
    source: str = SolicitationSource.SITE


DEMO_SOLICITATIONS = [
    DemoSolicitation(
        "6f1c2a52-0d4e-4c51-9a41-000000000001",
        "84215937800012",
        "recruter",
        "Camille",
        "Rivoire",
        "camille.rivoire@soierie-croix-rousse.test",
        "Nous cherchons deux techniciens de maintenance pour nos métiers à tisser Jacquard, idéalement en CDI. "
        "Nous ne savons pas quelles aides existent pour former des profils venant d’autres industries.",
        3,
    ),
    DemoSolicitation(
        "6f1c2a52-0d4e-4c51-9a41-000000000002",
        "79340256100013",
        "tresorerie",
        "Karim",
        "Benali",
        "karim.benali@pain-du-faubourg.test",
        "Notre four principal est tombé en panne et la réparation coûte 18 000 €. Nous avons besoin d’étaler "
        "nos échéances Urssaf le temps de retrouver de la trésorerie.",
        2,
    ),
    DemoSolicitation(
        # The same baker writes again the next day: the queue flags a likely duplicate.
        "6f1c2a52-0d4e-4c51-9a41-000000000003",
        "79340256100013",
        "tresorerie",
        "Karim",
        "Benali",
        "karim.benali@pain-du-faubourg.test",
        "Je relance ma demande d’hier : nous devons payer la réparation du four avant la fin du mois.",
        1,
    ),
    DemoSolicitation(
        "6f1c2a52-0d4e-4c51-9a41-000000000004",
        "81752694000017",
        "autre-demande",
        "Léa",
        "Castellani",
        "lea.castellani@calanques-nautisme.test",
        "Nous voulons remplacer les moteurs thermiques de nos bateaux de location par des moteurs électriques "
        "et réduire notre consommation d’énergie. Existe-t-il des financements ?",
        1,
        source=SolicitationSource.IFRAME,
    ),
    DemoSolicitation(
        "6f1c2a52-0d4e-4c51-9a41-000000000005",
        "52988413200018",
        "international",
        "Hélène",
        "Darrieux",
        "helene.darrieux@chai-des-chartrons.test",
        "Nous souhaitons exporter nos vins au Canada et ne connaissons pas les règles du monopole québécois.",
        12,
        "transmit",
    ),
    DemoSolicitation(
        "6f1c2a52-0d4e-4c51-9a41-000000000006",
        "83069145700014",
        "financer-projet",
        "Inès",
        "Fabre",
        "ines.fabre@occitanie-aero.test",
        "Agrandissement de notre atelier de maintenance aéronautique : nous cherchons un prêt et des aides "
        "régionales pour un investissement de 2 millions d’euros.",
        9,
        "transmit",
    ),
    DemoSolicitation(
        "6f1c2a52-0d4e-4c51-9a41-000000000007",
        "91847362000014",
        "formalites-entreprise",
        "Yann",
        "Le Goff",
        "yann.legoff@menuiserie-vilaine.test",
        "Je veux créer une deuxième entreprise de pose de cuisines avec mon frère, comment faire ?",
        6,
        "creation",
    ),
    DemoSolicitation(
        "6f1c2a52-0d4e-4c51-9a41-000000000008",
        "",
        "autre-demande",
        "Promo",
        "Seo",
        "promo@referencement-express.test",
        "Boostez votre référencement Google en 48 h, 1re page garantie, cliquez ici !!!",
        4,
        "spam",
    ),
]


@transaction.atomic
def load_demo() -> None:
    import_taxonomy()
    load_cancellation_templates()
    load_demo_companies()
    support = _support_account()
    now = timezone.now()
    for item in DEMO_SOLICITATIONS:
        if Solicitation.objects.filter(submission_token=item.token).exists():
            continue
        establishment = Establishment.objects.select_related("company").filter(siret=item.siret).first()
        submitted_at = now - timedelta(days=item.days_ago)
        solicitation = Solicitation.objects.create(
            submission_token=uuid.UUID(item.token),
            status=SolicitationStatus.IN_PROGRESS,
            subject=Subject.objects.get(slug=item.subject_slug),
            description=item.description,
            siret=item.siret,
            establishment=establishment,
            first_name=item.first_name,
            last_name=item.last_name,
            email=item.email,
            phone="+33600000000",
            source=item.source,
            terms_accepted_at=submitted_at,
            submitted_at=submitted_at,
        )
        SolicitationEvent.objects.create(solicitation=solicitation, action=SolicitationAction.SUBMITTED)
        if item.outcome == "transmit":
            experts = route_need(subject=solicitation.subject, establishment=establishment).kept
            # Without demo experts covering it (directory demo not loaded), the request stays to process.
            if experts:
                transmit_solicitation(
                    solicitation=solicitation,
                    needs=[NeedDraft(solicitation.subject, solicitation.description, experts, routed=experts)],
                    actor=support,
                )
        elif item.outcome:
            cancel_solicitation(
                solicitation=solicitation,
                template=CancellationTemplate.objects.get(slug=item.outcome),
                actor=support,
            )


def _support_account() -> User:
    group, _created = Group.objects.get_or_create(name=SUPPORT_GROUP)
    group.permissions.add(Permission.objects.get(codename="triage_solicitation"))
    user, created = User.objects.get_or_create(
        email=SUPPORT_EMAIL, defaults={"first_name": "Sacha", "last_name": "Support"}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    user.groups.add(group)
    return user


def demo_accounts() -> list[tuple[str, str]]:
    return [(SUPPORT_EMAIL, f"{SUPPORT_GROUP} : tri des demandes (/support/sollicitations/)")]
