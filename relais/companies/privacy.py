from relais.privacy.registry import declare_not_personal

from .models import Establishment

declare_not_personal(
    Establishment, reason="établissement d’une entreprise : données publiques du répertoire SIRENE (référentiel)"
)
