from django.db import models


class MembershipRole(models.TextChoices):
    MEMBER = "member", "Membre"
    THIRD_PARTY_DECLARANT = "third_party_declarant", "Tiers déclarant"


class AccessRequestStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    ACCEPTED = "accepted", "Acceptée"
    REFUSED = "refused", "Refusée"


class AuditAction(models.TextChoices):
    JOINED = "joined", "Rattachement à l'organisation"
    RIGHTS_CHANGED = "rights_changed", "Modification des habilitations"
    ACCESS_REMOVED = "access_removed", "Retrait de l'accès au service"
    MANAGER_APPOINTED = "manager_appointed", "Nomination d'un responsable des accès"
    MANAGER_REVOKED = "manager_revoked", "Retrait du rôle de responsable des accès"
    REQUEST_CREATED = "request_created", "Demande d'accès"
    REQUEST_ACCEPTED = "request_accepted", "Demande d'accès acceptée"
    REQUEST_REFUSED = "request_refused", "Demande d'accès refusée"
    INVITATION_SENT = "invitation_sent", "Invitation envoyée"
    INVITATION_ACCEPTED = "invitation_accepted", "Invitation acceptée"
    INVITATION_REVOKED = "invitation_revoked", "Invitation annulée"
    CODE_GENERATED = "code_generated", "Code responsable des accès généré"
    CODE_REDEEMED = "code_redeemed", "Code responsable des accès utilisé"
    DECLARANT_REMOVED = "declarant_removed", "Retrait d'un tiers déclarant"
