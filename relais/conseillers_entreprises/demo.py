"""Demo directory: real institutions, antennes and teams around the demo establishments (relais.companies.demo).

Every demo establishment finds 1 to 3 teams for every subject but the "other need" one: CCI teams hold every
subject no other institution of the demo holds, so a subject added to the taxonomy stays covered.
"""

import datetime

from django.db import transaction

from relais.accounts.models import User
from relais.core.demo import DEMO_PASSWORD

from .enums import InstitutionCategory, TerritorialLevel, ZoneType
from .models import (
    Absence,
    Antenne,
    Expert,
    ExpertSubject,
    Institution,
    InstitutionSubject,
    MatchFilter,
    Subject,
)
from .services.directory_import import sync_zones
from .taxonomy import import_taxonomy

# The territories of the demo establishments: (department code, name), (region code, name), city.
TERRITORIES = [
    ("69", "Rhône", "84", "Auvergne-Rhône-Alpes", "Lyon"),
    ("75", "Paris", "11", "Île-de-France", "Paris"),
    ("13", "Bouches-du-Rhône", "93", "Provence-Alpes-Côte d’Azur", "Marseille"),
    ("33", "Gironde", "75", "Nouvelle-Aquitaine", "Bordeaux"),
    ("59", "Nord", "32", "Hauts-de-France", "Lille"),
    ("35", "Ille-et-Vilaine", "53", "Bretagne", "Rennes"),
    ("31", "Haute-Garonne", "76", "Occitanie", "Toulouse"),
    ("974", "La Réunion", "04", "La Réunion", "Saint-Denis"),
]
ALL_REGIONS = [region for _d, _dn, region, _rn, _c in TERRITORIES]
ALL_DEPARTMENTS = [department for department, *_rest in TERRITORIES]

# (name, slug, SIREN — only where the reference data gives it, categories, subjects)
INSTITUTIONS = [
    ("Chambre de Commerce et d’Industrie", "cci", "", [InstitutionCategory.CCI, InstitutionCategory.EXPERT_PROVIDER], [
        "former", "financer-projet", "projet-immobilier", "projet-innovation", "reduction-impots", "tresorerie",
        "resoudre-des-difficultes-financieres-liees-a-l-augmentation-des-prix-de-l-energie",
        "resoudre-un-differend-avec-votre-fournisseur-d-energie", "formalites-entreprise",
        "formalites-entreprise-statut", "strategie", "clients", "nouvelle-offre-produit-service", "international",
        "diagnostic", "vendre-sur-internet", "visibilite-sur-internet", "proteger-vos-donnees", "dechets", "eau",
        "energie", "transport-mobilite", "demarche-ecologie", "bilan-rse",
        "realiser-un-diagnostic-pour-reduire-votre-consommation-d-energie", "obligations-sante-securite",
        "qualite-de-vie-au-travail", "reprendre-entreprise", "vendre-entreprise",
    ]),
    ("Chambre de Métiers et de l’Artisanat", "cma", "", [InstitutionCategory.CMA], [
        "former", "reduction-impots", "resoudre-un-differend-avec-votre-fournisseur-d-energie", "international",
        "projet-immobilier", "formalites-entreprise", "formalites-entreprise-statut", "strategie", "clients",
        "nouvelle-offre-produit-service", "diagnostic", "vendre-sur-internet", "visibilite-sur-internet",
        "proteger-vos-donnees", "dechets", "eau", "energie", "transport-mobilite", "demarche-ecologie", "bilan-rse",
        "realiser-un-diagnostic-pour-reduire-votre-consommation-d-energie", "obligations-sante-securite",
        "reprendre-entreprise", "vendre-entreprise",
    ]),
    ("France Travail", "france-travail", "", [InstitutionCategory.EXPERT_PROVIDER], [
        "recruter", "handicap-entreprise", "preparer-le-depart-ou-la-reconversion-de-salaries",
    ]),
    ("DREETS", "dreets", "", [InstitutionCategory.EXPERT_PROVIDER], [
        "organisation-du-travail", "declaration-organisme-formation", "agrement-esus", "activite-partielle",
        "s-informer-sur-l-activite-partielle-pour-faire-face-au-contexte-energetique", "droit-du-travail",
    ]),
    ("CARSAT", "carsat", "", [InstitutionCategory.EXPERT_PROVIDER], [
        "conseil-retraite", "obligations-sante-securite", "former-risques-professionnels", "qualite-de-vie-au-travail",
    ]),
    ("URSSAF", "urssaf", "", [InstitutionCategory.EXPERT_PROVIDER], ["tresorerie"]),
    ("Banque de France", "banque-de-france", "", [InstitutionCategory.EXPERT_PROVIDER], [
        "tresorerie", "litige", "resoudre-des-difficultes-financieres-liees-a-l-augmentation-des-prix-de-l-energie",
    ]),
    ("Bpifrance", "bpifrance", "", [InstitutionCategory.EXPERT_PROVIDER], [
        "financer-projet", "projet-innovation",
        "financer-vos-investissements-pour-reduire-votre-consommation-d-energie",
    ]),
    ("ADEME", "ademe", "", [InstitutionCategory.EXPERT_PROVIDER], [
        "financer-vos-investissements-pour-reduire-votre-consommation-d-energie", "dechets", "eau", "energie",
    ]),
    ("INPI", "inpi", "", [InstitutionCategory.EXPERT_PROVIDER], [
        "projet-innovation", "nouvelle-offre-produit-service",
    ]),
    ("Initiative France", "initiative-france", "", [InstitutionCategory.EXPERT_PROVIDER], [
        "financer-projet", "reprendre-entreprise",
    ]),
    ("OPCO Atlas", "opco-atlas", "851296632", [InstitutionCategory.OPCO], [
        "recruter", "former", "organisation-du-travail", "preparer-le-depart-ou-la-reconversion-de-salaries",
    ]),
    ("OPCO 2i", "opco-2i", "849813852", [InstitutionCategory.OPCO], [
        "recruter", "former", "organisation-du-travail", "preparer-le-depart-ou-la-reconversion-de-salaries",
    ]),
]  # fmt: skip

# (institution slug, antenne, level, zones, [(team, email, agents)]); agents are (email, first name, last name).
ANTENNES = [
    *[
        ("cci", f"CCI {department_name}", TerritorialLevel.LOCAL, [(ZoneType.DEPARTMENT, department)], [
            ("Pôle entreprises", f"entreprises.{department}@cci.demo.relais.test", []),
        ])
        for department, department_name, _r, _rn, _c in TERRITORIES
    ],
    *[
        ("cma", f"CMA {region_name}", TerritorialLevel.REGIONAL, [(ZoneType.REGION, region)], [
            ("Développement des entreprises artisanales", f"developpement.{region}@cma.demo.relais.test", []),
        ])
        for _d, _dn, region, region_name, _c in TERRITORIES
    ],
    *[
        ("france-travail", f"France Travail {department_name}", TerritorialLevel.LOCAL,
         [(ZoneType.DEPARTMENT, department)], [
            ("Service entreprises", f"entreprises.{department}@francetravail.demo.relais.test", []),
        ])
        for department, department_name, _r, _rn, _c in TERRITORIES[1:]
    ],
    ("france-travail", "France Travail Rhône", TerritorialLevel.LOCAL, [(ZoneType.DEPARTMENT, "69")], [
        ("Service entreprises Lyon Métropole", "entreprises.lyon@francetravail.demo.relais.test",
         [("agent.francetravail@relais.test", "Marc", "Dubois")]),
        ("Équipe recrutement Rhône", "recrutement.69@francetravail.demo.relais.test",
         [("amina.kone@francetravail.demo.relais.test", "Amina", "Koné")]),
    ]),
    *[
        ("dreets", f"DEETS {region_name}" if region == "04" else f"DREETS {region_name}", TerritorialLevel.REGIONAL,
         [(ZoneType.REGION, region)], [
            ("Pôle entreprises, emploi et économie", f"pole3e.{region}@dreets.demo.relais.test", []),
        ])
        for _d, _dn, region, region_name, _c in TERRITORIES
    ],
    *[
        ("carsat", f"CARSAT {region_name}", TerritorialLevel.REGIONAL, [(ZoneType.REGION, region)], [
            ("Prévention des risques professionnels", f"prevention.{region}@carsat.demo.relais.test", []),
        ])
        for _d, _dn, region, region_name, _c in TERRITORIES
    ],
    *[
        ("urssaf", f"URSSAF {region_name}", TerritorialLevel.REGIONAL, [(ZoneType.REGION, region)], [
            ("Accompagnement des entreprises en difficulté", f"difficultes.{region}@urssaf.demo.relais.test", []),
        ])
        for _d, _dn, region, region_name, _c in TERRITORIES
    ],
    *[
        ("banque-de-france", f"Banque de France — succursale de {city}", TerritorialLevel.LOCAL,
         [(ZoneType.DEPARTMENT, department)], [
            ("Correspondant TPE-PME", f"tpme{department}@banque-france.demo.relais.test", []),
        ])
        for department, _dn, _r, _rn, city in TERRITORIES
    ],
    *[
        ("bpifrance", f"Bpifrance {region_name}", TerritorialLevel.REGIONAL, [(ZoneType.REGION, region)], [
            ("Chargés d’affaires", f"affaires.{region}@bpifrance.demo.relais.test",
             [("conseillere.bpifrance@relais.test", "Sophie", "Garnier")] if region == "84" else []),
        ])
        for _d, _dn, region, region_name, _c in TERRITORIES
    ],
    ("ademe", "ADEME Auvergne-Rhône-Alpes", TerritorialLevel.REGIONAL, [(ZoneType.REGION, "84")], [
        ("Transition écologique des entreprises", "entreprises.84@ademe.demo.relais.test", []),
    ]),
    ("ademe", "ADEME Île-de-France", TerritorialLevel.REGIONAL, [(ZoneType.REGION, "11")], [
        ("Transition écologique des entreprises", "entreprises.11@ademe.demo.relais.test", []),
    ]),
    ("ademe", "ADEME Bretagne", TerritorialLevel.REGIONAL, [(ZoneType.REGION, "53")], [
        ("Transition écologique des entreprises", "entreprises.53@ademe.demo.relais.test", []),
    ]),
    ("inpi", "INPI — Direction de l’accompagnement", TerritorialLevel.NATIONAL, [], [
        ("Conseillers propriété industrielle", "accompagnement@inpi.demo.relais.test", []),
    ]),
    ("initiative-france", "Initiative Lyon et Nord-Isère", TerritorialLevel.LOCAL, [(ZoneType.DEPARTMENT, "69")], [
        ("Prêts d’honneur", "contact@initiative-lyon.demo.relais.test", []),
    ]),
    ("initiative-france", "Initiative Gironde", TerritorialLevel.LOCAL, [(ZoneType.DEPARTMENT, "33")], [
        ("Prêts d’honneur", "contact@initiative-gironde.demo.relais.test", []),
    ]),
    ("opco-atlas", "OPCO Atlas — délégations régionales", TerritorialLevel.REGIONAL,
     [(ZoneType.REGION, "11"), (ZoneType.REGION, "84"), (ZoneType.REGION, "32")], [
        ("Conseillers emploi-formation", "entreprises@opco-atlas.demo.relais.test", []),
        # Its own zone replaces the antenne's: this team only covers Nord.
        ("Conseillers emploi-formation Nord", "nord@opco-atlas.demo.relais.test", []),
    ]),
    ("opco-2i", "OPCO 2i Auvergne-Rhône-Alpes", TerritorialLevel.REGIONAL, [(ZoneType.REGION, "84")], [
        ("Conseillers emploi-formation", "ara@opco2i.demo.relais.test", []),
    ]),
    ("opco-2i", "OPCO 2i Occitanie", TerritorialLevel.REGIONAL, [(ZoneType.REGION, "76")], [
        ("Conseillers emploi-formation", "occitanie@opco2i.demo.relais.test", []),
    ]),
]  # fmt: skip

EXPERT_OWN_ZONES = {"nord@opco-atlas.demo.relais.test": [(ZoneType.DEPARTMENT, "59")]}

# (owner slug, fields): Bpifrance serves companies of 3 years or more, the CMA small companies. The OPCOs need no
# filter: routing keeps the company's own OPCO, from its collective agreements (demo companies have IDCC codes).
INSTITUTION_FILTERS = {
    "bpifrance": {"min_years_of_existence": 3},
    "cma": {"max_staff": 49},
}
DEMO_AGENTS = [
    ("agent.francetravail@relais.test", "Agent France Travail Rhône (reçoit les besoins de recrutement)"),
    ("conseillere.bpifrance@relais.test", "Conseillère Bpifrance Auvergne-Rhône-Alpes"),
]
ABSENT_AGENT = "amina.kone@francetravail.demo.relais.test"


def _agent(email: str, first_name: str, last_name: str) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"first_name": first_name, "last_name": last_name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def load_demo() -> None:
    import_taxonomy()
    subjects = {subject.slug: subject for subject in Subject.objects.filter(is_other_need=False)}
    held = {slug for *_fields, slugs in INSTITUTIONS for slug in slugs}
    institutions = {}
    offers: dict[str, list[InstitutionSubject]] = {}
    for name, slug, siren, categories, slugs in INSTITUTIONS:
        institution, _created = Institution.objects.update_or_create(
            slug=slug, defaults={"name": name, "siren": siren, "categories": [str(c) for c in categories]}
        )
        institutions[slug] = institution
        if slug == "cci":
            slugs = [*slugs, *sorted(subjects.keys() - held)]
        offers[slug] = [
            InstitutionSubject.objects.get_or_create(institution=institution, subject=subjects[s])[0]
            for s in slugs
            if s in subjects
        ]
        if slug in INSTITUTION_FILTERS:
            MatchFilter.objects.update_or_create(institution=institution, defaults=INSTITUTION_FILTERS[slug])
    for institution_slug, antenne_name, level, zones, teams in ANTENNES:
        institution = institutions[institution_slug]
        antenne, _created = Antenne.objects.update_or_create(
            institution=institution, name=antenne_name, defaults={"territorial_level": level}
        )
        sync_zones(owner=antenne, zones=frozenset(zones))
        for team_name, email, agents in teams:
            expert, _created = Expert.objects.update_or_create(
                antenne=antenne, name=team_name, defaults={"email": email}
            )
            sync_zones(owner=expert, zones=frozenset(EXPERT_OWN_ZONES.get(email, [])))
            for institution_subject in offers[institution_slug]:
                ExpertSubject.objects.get_or_create(expert=expert, institution_subject=institution_subject)
            expert.users.add(*[_agent(*agent) for agent in agents])
    absent = User.objects.get(email=ABSENT_AGENT)
    today = datetime.date.today()
    if not absent.absences.filter(ends_on__gte=today).exists():
        Absence.objects.create(user=absent, starts_on=today, ends_on=today + datetime.timedelta(days=14))


def demo_accounts() -> list[tuple[str, str]]:
    return list(DEMO_AGENTS)
