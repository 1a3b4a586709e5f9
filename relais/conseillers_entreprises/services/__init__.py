"""Workflows of Conseillers-Entreprises, one module per concern; import them from here."""
