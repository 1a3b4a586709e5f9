"""The information notices of the four services (GDPR art. 13): the texts of their terms of use (the seeds).

The retention table, the rights and the objections of each page are not written here: the notice pages read them
from the registry, so that what they promise is what `apply_retention` and the erasers do.
"""

from dataclasses import dataclass

from .enums import DataRight, Service


@dataclass(frozen=True)
class Processor:
    name: str
    processing: str
    country: str
    guarantees: str


@dataclass(frozen=True)
class Notice:
    service: Service
    controller: str
    # Empty: the DPO of the platform (settings.DPO_EMAIL), reached through the "Exercer mes droits" form.
    dpo: str
    rights_contact: str
    purposes: tuple[str, ...]
    legal_bases: tuple[str, ...]
    categories: tuple[tuple[str, str], ...]
    recipients: tuple[str, ...]
    processors: tuple[Processor, ...]
    rights: tuple[DataRight, ...]
    source: str
    automated_decision: str = ""

    @property
    def slug(self) -> str:
        return self.service.value

    @property
    def name(self) -> str:
        return self.service.label


SCALINGO = Processor("Scalingo", "Hébergement", "France", "https://scalingo.com/fr/data-processing-agreement")
ALL_RIGHTS = (
    DataRight.ACCESS,
    DataRight.RECTIFICATION,
    DataRight.ERASURE,
    DataRight.LIMITATION,
    DataRight.OBJECTION,
    DataRight.PORTABILITY,
)
HOSTING_CATEGORY = ("Données d’hébergement et de connexion", "adresses IP, connexions, événements de sécurité")

NOTICES = {
    notice.service: notice
    for notice in (
        Notice(
            service=Service.CONSEILLERS_ENTREPRISES,
            controller="Le Délégué général à l’emploi et à la formation professionnelle (DGEFP).",
            dpo="",
            rights_contact="contact@entreprises.service-public.fr",
            purposes=(
                "Mettre en relation les dirigeants de TPE et PME et les conseillers des administrations, organismes "
                "publics et parapublics, pour répondre à une problématique ou à un projet de l’entreprise.",
                "Développer le rôle d’appui et de conseil des TPE et PME des administrations, organismes publics et "
                "parapublics volontaires ; suivre la qualité du service et publier ses statistiques.",
            ),
            legal_bases=(
                "Exécution d’une mission d’intérêt public (RGPD, article 6.1.e).",
                "Données d’hébergement et de connexion : obligation légale (RGPD, article 6.1.c ; loi n° 2004-575 du "
                "21 juin 2004 pour la confiance dans l’économie numérique).",
            ),
            categories=(
                (
                    "Dirigeants et représentants des entreprises (« Utilisateurs »)",
                    "nom et prénom, coordonnées (téléphone, adresse électronique), SIRET et adresse de l’entreprise, "
                    "nature du besoin, le cas échéant informations financières de la TPE ou PME",
                ),
                (
                    "Conseillers (agents des organismes partenaires)",
                    "nom et prénom, coordonnées professionnelles, équipes, positions sur les besoins, messages",
                ),
                ("Abonnés à la lettre d’information", "adresse électronique"),
                HOSTING_CATEGORY,
            ),
            recipients=(
                "Les conseillers des organismes publics et parapublics partenaires compétents pour le besoin de "
                "l’entreprise, et l’équipe du service qui en suit la qualité.",
                "Les données collectées et les demandes ne sont ni transmises, ni échangées à des tiers, hors "
                "organismes publics et parapublics partenaires du service.",
            ),
            processors=(SCALINGO,),
            rights=(DataRight.ACCESS, DataRight.RECTIFICATION, DataRight.ERASURE, DataRight.LIMITATION),
            source="Conditions d’utilisation de Place des Entreprises, article 6, et de Conseillers-Entreprises.",
        ),
        Notice(
            service=Service.PORTAIL,
            controller="La Délégation générale à l’emploi et à la formation professionnelle (DGEFP) du ministère "
            "du Travail, qui édite et administre le Portail de service.",
            dpo="",
            rights_contact="misi.dgefp@emploi.gouv.fr",
            purposes=(
                "Permettre aux utilisateurs habilités d’accéder, par une authentification unique, aux services "
                "numériques de l’emploi et de la formation professionnelle.",
                "Gérer les organisations, les responsables des accès, les demandes d’accès, les invitations, les "
                "tiers déclarants et les habilitations par service.",
            ),
            legal_bases=(
                "Exécution d’une mission d’intérêt public (RGPD, article 6.1.e).",
                "Données d’hébergement et de connexion : obligation légale (RGPD, article 6.1.c).",
            ),
            categories=(
                (
                    "Titulaires d’un compte",
                    "civilité, nom, prénom, téléphone, adresse électronique, entreprise de rattachement (SIREN), "
                    "habilitations, double authentification",
                ),
                ("Personnes invitées", "adresse électronique"),
                HOSTING_CATEGORY,
            ),
            recipients=(
                "Les responsables des accès de vos organisations, qui voient vos habilitations.",
                "Les services numériques du catalogue auxquels vous vous connectez, qui reçoivent votre identité et "
                "vos habilitations (revendications OpenID Connect).",
            ),
            processors=(SCALINGO,),
            rights=ALL_RIGHTS,
            source="Conditions générales d’utilisation du Portail de service (janvier 2024), articles 6 et 14.",
        ),
        Notice(
            service=Service.FRANCENUM,
            controller="La Direction générale des entreprises (DGE), qui met en œuvre l’initiative gouvernementale "
            "France Num avec les Régions et les partenaires institutionnels.",
            dpo="",
            rights_contact="",
            purposes=(
                "Référencer les activateurs (structures et adhérents) de la transformation numérique des TPE et PME, "
                "valider leur adhésion à la charte et publier leur fiche.",
                "Mettre en relation les TPE et PME avec les activateurs de proximité ; suivre les prises de contact.",
            ),
            legal_bases=("Exécution d’une mission d’intérêt public, qui dispense du recueil du consentement.",),
            categories=(
                (
                    "Référents et adhérents des activateurs",
                    "nom, prénom, adresse électronique, photo ou avatar, coordonnées, présentation des prestations, "
                    "références professionnelles",
                ),
                ("Entreprises qui prennent contact", "nom, coordonnées, message"),
                HOSTING_CATEGORY,
            ),
            recipients=(
                "Les directions régionales de la DGE et ses partenaires.",
                "Les données publiées des activateurs peuvent être rediffusées par des interfaces de programmation "
                "(API) aux organismes habilités par la DGE.",
            ),
            processors=(SCALINGO,),
            rights=ALL_RIGHTS,
            source="Charte d’engagement des activateurs France Num (16/03/2022), articles 3, 6 et 7.",
        ),
        Notice(
            service=Service.CONSEILLER_NUMERIQUE,
            controller="L’Agence nationale de la cohésion des territoires (ANCT), établissement public de l’État, "
            "20 avenue de Ségur – TSA 10717 – 75334 Paris Cedex 07, représentée par son directeur général.",
            dpo="Mme Anne Gaillard, déléguée à la protection des données de l’ANCT, 20 avenue de Ségur – TSA 10717 – "
            "75334 Paris Cedex 07 (dpo@anct.gouv.fr).",
            rights_contact="dpo@anct.gouv.fr",
            purposes=(
                "Mettre en relation les personnes souhaitant devenir conseiller numérique et les structures qui "
                "souhaitent les recruter.",
                "Accompagner les usagers dans la maîtrise des bases du numérique ; publier la carte des conseillers "
                "numériques.",
            ),
            legal_bases=(
                "Exécution d’une mission d’intérêt public (RGPD, article 6.1.e ; décret n° 2019-1190 du 18 novembre "
                "2019 relatif à l’ANCT).",
                "Données d’hébergement et de connexion : obligation légale (RGPD, article 6.1.c ; loi n° 2004-575 du "
                "21 juin 2004 ; décret n° 2011-219 du 25 février 2011).",
            ),
            categories=(
                (
                    "Candidats au poste de conseiller numérique",
                    "nom, prénom, situation socio-économique, diplôme, adresse électronique, téléphone",
                ),
                (
                    "Membres, personnels ou agents des structures",
                    "nom, prénom, fonction, adresse électronique, téléphone",
                ),
                HOSTING_CATEGORY,
            ),
            recipients=(
                "Les seules personnes juridiquement habilitées à connaître des informations traitées.",
                "L’outil de prise de rendez-vous « RDV solidarités », qui reçoit les adresses professionnelles des "
                "conseillers numériques.",
            ),
            processors=(
                SCALINGO,
                Processor("Pix", "Test de certification et communication de son identifiant", "France", "pix.fr"),
            ),
            rights=(DataRight.ACCESS, DataRight.RECTIFICATION, DataRight.ERASURE, DataRight.OBJECTION),
            source="Conditions générales d’utilisation de Conseiller Numérique France Services (27/06/2022), "
            "« Données personnelles ».",
            automated_decision="La mise en relation des candidats et des structures est proposée par un algorithme "
            "aux critères publics (date de disponibilité, distance) : c’est une aide à la décision, pas une décision "
            "administrative.",
        ),
    )
}
