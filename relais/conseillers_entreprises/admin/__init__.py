"""Admin of Conseillers-Entreprises, one module per concern (each registers its models)."""
