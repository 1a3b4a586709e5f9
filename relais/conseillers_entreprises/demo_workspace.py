"""Demo of the needs' follow-up: needs in every state for the two demo agents' teams, so that each tab of their
inbox and each reminder basket of support has content, and one satisfaction answer shared with the experts.

Needs are created as support's transmission creates them, then sent back in time (their `sent_at`), and the
experts' positions go through services/positioning. Fixed submission tokens make loading twice create nothing.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from relais.accounts.models import User
from relais.companies.demo import load_demo as load_demo_companies
from relais.companies.models import Establishment

from .demo import load_demo as load_demo_directory
from .demo_triage import SUPPORT_EMAIL
from .enums import MatchStatus, NeedStatus, SolicitationAction, SolicitationStatus
from .models import (
    Diagnosis,
    Expert,
    Match,
    Need,
    SatisfactionAnswer,
    Solicitation,
    SolicitationEvent,
    Subject,
)
from .services.company_followup import report_not_contacted
from .services.needs import need_search_text
from .services.positioning import close, refuse, take_charge

FRANCE_TRAVAIL_AGENT = "agent.francetravail@relais.test"
BPIFRANCE_AGENT = "conseillere.bpifrance@relais.test"
QUO, TAKE, REFUSE, DONE, NO_HELP = "quo", "take", "refuse", MatchStatus.DONE, MatchStatus.DONE_NO_HELP


@dataclass(frozen=True)
class DemoNeed:
    token: str
    siret: str
    subject_slug: str
    first_name: str
    last_name: str
    email: str
    description: str
    days_ago: int
    france_travail: str  # what the France Travail team did: quo, take, refuse, or a closing status
    bpifrance: str
    satisfaction: bool = False
    not_contacted: bool = False  # the company reported on its follow-up page that nobody called it back


DEMO_NEEDS = [
    DemoNeed(
        "7a2d3b63-1e5f-4d62-8b52-000000000001", "84215937800012", "recruter", "Camille", "Rivoire",
        "camille.rivoire@soierie-croix-rousse.test",
        "Recruter un technicien de maintenance pour nos métiers à tisser, avec une formation préalable.",
        2, QUO, QUO,
    ),
    DemoNeed(
        "7a2d3b63-1e5f-4d62-8b52-000000000002", "83069145700022", "financer-projet", "Inès", "Fabre",
        "ines.fabre@occitanie-aero.test",
        "Financer une nouvelle ligne de découpe laser (350 000 €) pour notre atelier lyonnais.",
        12, QUO, QUO, not_contacted=True,
    ),
    DemoNeed(
        "7a2d3b63-1e5f-4d62-8b52-000000000003", "84215937800012", "financer-projet", "Camille", "Rivoire",
        "camille.rivoire@soierie-croix-rousse.test",
        "Trouver un prêt pour racheter le bâtiment voisin et y installer un second atelier.",
        30, QUO, QUO,
    ),
    DemoNeed(
        "7a2d3b63-1e5f-4d62-8b52-000000000004", "83069145700022", "recruter", "Inès", "Fabre",
        "ines.fabre@occitanie-aero.test",
        "Recruter trois opérateurs de production en alternance pour la rentrée.",
        50, QUO, QUO,
    ),
    DemoNeed(
        "7a2d3b63-1e5f-4d62-8b52-000000000005", "84215937800012", "recruter", "Camille", "Rivoire",
        "camille.rivoire@soierie-croix-rousse.test",
        "Embaucher une personne en situation de handicap sur un poste de finition des étoffes.",
        6, TAKE, QUO,
    ),
    DemoNeed(
        "7a2d3b63-1e5f-4d62-8b52-000000000006", "83069145700022", "recruter", "Inès", "Fabre",
        "ines.fabre@occitanie-aero.test",
        "Recruter un responsable qualité, poste ouvert depuis quatre mois sans candidature.",
        25, DONE, REFUSE, satisfaction=True,
    ),
    DemoNeed(
        "7a2d3b63-1e5f-4d62-8b52-000000000007", "84215937800012", "financer-projet", "Camille", "Rivoire",
        "camille.rivoire@soierie-croix-rousse.test",
        "Financer l’export de nos soieries vers le Japon : salon professionnel et traduction du catalogue.",
        15, REFUSE, REFUSE,
    ),
    DemoNeed(
        "7a2d3b63-1e5f-4d62-8b52-000000000008", "83069145700022", "financer-projet", "Inès", "Fabre",
        "ines.fabre@occitanie-aero.test",
        "Préfinancer un crédit d’impôt innovation sur notre projet de machine de découpe.",
        20, REFUSE, NO_HELP,
    ),
    DemoNeed(
        "7a2d3b63-1e5f-4d62-8b52-000000000009", "84215937800012", "financer-projet", "Camille", "Rivoire",
        "camille.rivoire@soierie-croix-rousse.test",
        "Obtenir une avance remboursable pour développer un tissu technique ignifugé.",
        4, QUO, TAKE,
    ),
]  # fmt: skip


@transaction.atomic
def load_demo() -> None:
    load_demo_companies()
    load_demo_directory()
    teams = {
        "france_travail": Expert.objects.get(users__email=FRANCE_TRAVAIL_AGENT),
        "bpifrance": Expert.objects.get(users__email=BPIFRANCE_AGENT),
    }
    support = User.objects.filter(email=SUPPORT_EMAIL).first()
    now = timezone.now()
    for item in DEMO_NEEDS:
        if Solicitation.objects.filter(submission_token=item.token).exists():
            continue
        need = _transmitted_need(item, now=now - timedelta(days=item.days_ago), teams=teams, support=support)
        for key, team in teams.items():
            _position(need.matches.get(expert=team), getattr(item, key))
        if item.not_contacted:
            report_not_contacted(solicitation=need.diagnosis.solicitation, need=need)
        if item.satisfaction:
            SatisfactionAnswer.objects.create(
                need=need,
                called_back=True,
                useful=True,
                comment="Le conseiller m’a rappelé dans la semaine et m’a orienté vers un cabinet de recrutement.",
                shared_with_experts=True,
                shared_at=now,
                shared_by=support,
            )


def _transmitted_need(item: DemoNeed, *, now, teams: dict[str, Expert], support: User | None) -> Need:
    establishment = Establishment.objects.get(siret=item.siret)
    subject = Subject.objects.get(slug=item.subject_slug)
    solicitation = Solicitation.objects.create(
        submission_token=uuid.UUID(item.token),
        status=SolicitationStatus.PROCESSED,
        subject=subject,
        description=item.description,
        siret=item.siret,
        establishment=establishment,
        first_name=item.first_name,
        last_name=item.last_name,
        email=item.email,
        phone="0472000000",
        terms_accepted_at=now,
        submitted_at=now,
        processed_at=now,
    )
    SolicitationEvent.objects.create(solicitation=solicitation, action=SolicitationAction.SUBMITTED)
    diagnosis = Diagnosis.objects.create(
        solicitation=solicitation,
        establishment=establishment,
        advisor=support,
        content=item.description,
        manager_consent=True,
        completed_at=now,
    )
    need = Need.objects.create(diagnosis=diagnosis, subject=subject, content=item.description, status=NeedStatus.QUO)
    search_text = need_search_text(need)
    Match.objects.bulk_create(
        Match(need=need, expert=team, subject=subject, status=MatchStatus.QUO, sent_at=now, search_text=search_text)
        for team in teams.values()
    )
    return need


def _position(match: Match, outcome: str) -> None:
    if outcome == QUO:
        return
    agent = match.expert.users.get(email__in=[FRANCE_TRAVAIL_AGENT, BPIFRANCE_AGENT])
    if outcome == REFUSE:
        refuse(match=match, actor=agent, reason="Ce besoin ne relève pas de notre offre.")
        return
    take_charge(match=match, actor=agent)
    if outcome != TAKE:
        close(match=match, actor=agent, outcome=outcome)
