"""Demo data shared by every service: each app contributes a `demo.py` module with `load_demo()`.

Later issues append their module to DEMO_MODULES; each `load_demo()` must be idempotent. A module that creates
accounts also defines `demo_accounts() -> list[tuple[email, role]]`, printed by `seed_demo` and `run_platform`.
"""

DEMO_MODULES = [
    "relais.accounts.demo",
    "relais.companies.demo",
    "relais.conseillers_entreprises.demo",
    "relais.conseillers_entreprises.demo_triage",
    "relais.conseillers_entreprises.demo_workspace",
    "relais.organizations.demo",
    "relais.privacy.demo",
    "relais.api.demo",
    "relais.conseiller_numerique.demo",
    "relais.francenum.demo",
    # Last: it accepts the current terms for every demo account created before it.
    "relais.legal.demo",
]

# One password for every demo account, printed by `seed_demo` and `run_platform`; it meets the password policy.
DEMO_PASSWORD = "Relais-demo-2026!"
