"""The catalogue of digital services (terms of the Portail de service, §1–2) and the rights each one recognises.

The terms list the applications but not their rights (§7.2 only says that each service recognises the rights it
is given). The rights below are therefore our own proposal, built on the usual levels of these applications
(consult, enter, validate, administer) and on what each one is for; the services' teams will correct them from
the admin, and `import_digital_services` never deletes a right someone may hold.
"""

from dataclasses import dataclass

from django.db import transaction

from .models import DigitalService, ServiceRight

CONSULT = ("consultation", "Consultation")
ENTER = ("saisie", "Saisie des démarches")
VALIDATE = ("validation", "Validation et signature")
ADMINISTER = ("administration", "Administration du compte de l'organisation")


@dataclass(frozen=True)
class ServiceEntry:
    slug: str
    name: str
    acronym: str
    description: str
    rights: tuple[tuple[str, str], ...]
    url: str = ""


CATALOGUE = [
    ServiceEntry(
        "ceres",
        "Certification Emploi",
        "CERES",
        "Attestations d'emploi des salariés des particuliers employeurs et des intermittents.",
        (CONSULT, ENTER, VALIDATE),
    ),
    ServiceEntry(
        "soffi",
        "Suivi Opérateurs, Formation et Financement",
        "SOFFi",
        "Suivi des opérateurs de compétences, de leurs financements et de leurs actions de formation.",
        (CONSULT, ENTER, VALIDATE, ADMINISTER),
    ),
    ServiceEntry(
        "maf",
        "Mon Activité Formation",
        "MAF",
        "Déclaration d'activité et bilan pédagogique et financier des organismes de formation.",
        (CONSULT, ("declaration", "Déclaration d'activité"), ("bpf", "Bilan pédagogique et financier")),
    ),
    ServiceEntry(
        "edof",
        "Espace des Organismes de Formation",
        "EDOF",
        "Catalogue des formations éligibles au compte personnel de formation et gestion des dossiers.",
        (CONSULT, ("catalogue", "Gestion du catalogue"), ("dossiers", "Gestion des dossiers"), ADMINISTER),
    ),
    ServiceEntry(
        "msdc",
        "Mon Suivi du Contrôle",
        "MSDC",
        "Suivi des contrôles de la formation professionnelle et échanges avec les services de contrôle.",
        (CONSULT, ("reponse", "Réponse aux demandes du contrôle")),
    ),
    ServiceEntry(
        "deca",
        "Dépôt Des Contrats d'Alternance",
        "DECA",
        "Dépôt et suivi des contrats d'apprentissage et de professionnalisation.",
        (CONSULT, ENTER, VALIDATE),
    ),
    ServiceEntry(
        "agecap",
        "Application de Gestion des Contrats d'Alternance Publics",
        "AGECAP",
        "Gestion des contrats d'apprentissage des employeurs publics.",
        (CONSULT, ENTER, VALIDATE),
    ),
    ServiceEntry(
        "celia",
        "Contrats d'apprentissage pour les employeurs publics",
        "CELIA",
        "Saisie et transmission des contrats d'apprentissage des employeurs publics.",
        (CONSULT, ENTER, VALIDATE),
    ),
    ServiceEntry(
        "rupco",
        "Ruptures Collectives de Contrats de Travail",
        "RUPCO",
        "Information et demandes de validation ou d'homologation des ruptures collectives.",
        (CONSULT, ENTER, ("depot", "Dépôt des dossiers auprès de l'administration")),
    ),
    ServiceEntry(
        "revit",
        "Revitalisation",
        "REVIT",
        "Suivi des conventions de revitalisation des territoires.",
        (CONSULT, ENTER, VALIDATE),
    ),
    ServiceEntry(
        "edec",
        "Engagement Déploiement et Compétence",
        "EDEC",
        "Gestion des engagements de développement de l'emploi et des compétences.",
        (CONSULT, ENTER, VALIDATE),
    ),
    ServiceEntry(
        "daccord",
        "Outils de gestion des accords collectifs d'entreprise",
        "DACCORD",
        "Dépôt des accords collectifs d'entreprise.",
        (CONSULT, ("depot", "Dépôt des accords")),
    ),
    ServiceEntry(
        "agapeth",
        "AGAPE'TH",
        "AGAPE'TH",
        "Accords agréés en faveur de l'emploi des travailleurs handicapés.",
        (CONSULT, ENTER, VALIDATE),
    ),
    ServiceEntry(
        "mdfse",
        "Ma Démarche FSE 21-27",
        "MDFSE+",
        "Demandes de subvention et suivi des opérations cofinancées par le Fonds social européen+.",
        (CONSULT, ENTER, VALIDATE, ("controle", "Contrôle de service fait")),
    ),
    ServiceEntry(
        "pop",
        "POP",
        "POP",
        "Pilotage des opérateurs et de leurs programmes.",
        (CONSULT, ENTER),
    ),
    ServiceEntry(
        "collecteur-flux",
        "Collecteur de flux (PIC / Qualiopi)",
        "Collecteur de flux",
        "Transmission des flux de données du Plan d'investissement dans les compétences et de la certification "
        "Qualiopi.",
        (CONSULT, ("transmission", "Transmission des flux")),
    ),
    ServiceEntry(
        "reacteur",
        "REACTEUR",
        "REACTEUR",
        "Suivi des démarches des entreprises et des structures.",
        (CONSULT, ENTER),
    ),
    ServiceEntry(
        "conseillers-entreprises",
        "Conseillers-Entreprises",
        "Conseillers-Entreprises",
        "Mise en relation des entreprises avec les conseillers publics qui peuvent les aider.",
        (CONSULT, ("traitement", "Traitement des demandes des entreprises"), ADMINISTER),
        "https://conseillers-entreprises.service-public.gouv.fr",
    ),
    ServiceEntry(
        "activateurs-france-num",
        "Activateurs France Num",
        "France Num",
        "Réseau des activateurs qui accompagnent les entreprises dans leur transformation numérique.",
        (CONSULT, ("profil", "Gestion du profil d'activateur"), ("contacts", "Réponse aux prises de contact")),
        "https://www.francenum.gouv.fr",
    ),
    ServiceEntry(
        "conseiller-numerique",
        "Conseiller numérique France Services",
        "Conseiller numérique",
        "Recrutement et suivi des conseillers numériques par les structures accueillantes.",
        (CONSULT, ("recrutement", "Recrutement des conseillers"), ADMINISTER),
        "https://www.conseiller-numerique.gouv.fr",
    ),
]


@transaction.atomic
def load_digital_services() -> tuple[int, int]:
    """Create or update every service and right of the catalogue; return (services created, rights created)."""
    services_created = rights_created = 0
    for position, entry in enumerate(CATALOGUE):
        service, created = DigitalService.objects.update_or_create(
            slug=entry.slug,
            defaults={
                "name": entry.name,
                "acronym": entry.acronym,
                "description": entry.description,
                "url": entry.url,
                "position": position,
            },
        )
        services_created += created
        for right_position, (code, label) in enumerate(entry.rights):
            _right, created = ServiceRight.objects.update_or_create(
                service=service, code=code, defaults={"label": label, "position": right_position}
            )
            rights_created += created
    return services_created, rights_created
