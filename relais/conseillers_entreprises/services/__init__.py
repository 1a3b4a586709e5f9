"""Workflows of Conseillers-Entreprises, one module per concern; import them from here."""

from .filing import is_blocked_email, lookup_establishment, save_draft, submit_solicitation  # noqa: F401
from .routing import Exclusion, Routing, explain_expert, route_need  # noqa: F401
from .triage import NeedDraft, cancel_solicitation, transmit_solicitation  # noqa: F401
