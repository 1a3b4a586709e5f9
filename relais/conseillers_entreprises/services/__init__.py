"""Workflows of Conseillers-Entreprises, one module per concern; import them from here."""

from .filing import is_blocked_email, lookup_establishment, save_draft, submit_solicitation  # noqa: F401
from .links import need_link_url, need_page_url, user_from_need_link  # noqa: F401
from .needs import NeedDraft, create_needs_and_notify  # noqa: F401
from .positioning import close, need_status_from, refuse, reopen, take_charge  # noqa: F401
from .routing import Exclusion, Routing, explain_expert, explain_routing, route_need  # noqa: F401
from .thread import post_comment  # noqa: F401
from .triage import cancel_solicitation, transmit_solicitation  # noqa: F401
