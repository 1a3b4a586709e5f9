"""Terms of use in the privacy registry: who accepted which version, when."""

from relais.privacy.enums import Erasure, Service
from relais.privacy.registry import PersonalData, by_user, declare_not_personal, register_personal_data

from .models import TermsAcceptance, TermsVersion

declare_not_personal(TermsVersion, reason="texte des conditions d’utilisation")
register_personal_data(
    PersonalData(
        model=TermsAcceptance,
        service=Service.PORTAIL,
        label="Conditions d’utilisation que vous avez acceptées",
        fields=("user", "version", "accepted_at"),
        owner=by_user("user"),
        erasure=Erasure.DELETED,
        erasure_note="Supprimées avec votre compte.",
    )
)
