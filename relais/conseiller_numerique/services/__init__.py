"""Workflows of Conseiller numérique France Services, one module per actor."""

from .candidates import (
    apply_as_candidate,
    attach_account,
    confirm_candidate,
    set_availability,
    set_publication_opposition,
    share_pix,
    update_advisor_profile,
    update_candidate,
    withdraw_candidate,
)
from .common import TransitionError
from .places import delete_place, save_place
from .recruitment import break_contract, change_status, recruit, validate_candidacy
from .structures import (
    apply_as_structure,
    attach_contact_account,
    confirm_structure,
    decide,
    give_opinion,
    grant_structure_access,
    update_mission,
)

__all__ = [
    "TransitionError",
    "apply_as_candidate",
    "apply_as_structure",
    "attach_account",
    "attach_contact_account",
    "break_contract",
    "change_status",
    "confirm_candidate",
    "confirm_structure",
    "decide",
    "delete_place",
    "give_opinion",
    "grant_structure_access",
    "recruit",
    "save_place",
    "set_availability",
    "set_publication_opposition",
    "share_pix",
    "update_advisor_profile",
    "update_candidate",
    "update_mission",
    "validate_candidacy",
    "withdraw_candidate",
]
