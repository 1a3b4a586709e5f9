"""Admin of Conseillers-Entreprises, one module per concern (each registers its models)."""

from . import (
    advisors,  # noqa: F401
    directory,  # noqa: F401
    followup,  # noqa: F401
    solicitations,  # noqa: F401
    triage,  # noqa: F401
    workspace,  # noqa: F401
)
