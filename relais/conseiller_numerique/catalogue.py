"""The service's entry in the Portail's catalogue of digital services (relais/organizations/catalogue.py)."""

SERVICE_SLUG = "conseiller-numerique"
# The right that lets a structure's people recruit (the catalogue's own code).
RECRUITMENT_RIGHT = "recrutement"
