from dsfr.models import DsfrConfig

from relais.privacy.registry import declare_not_personal

from .models import SiteStatus

declare_not_personal(SiteStatus, reason="message de maintenance affiché à tous")
declare_not_personal(DsfrConfig, reason="textes de l’en-tête et du pied de page du site")
