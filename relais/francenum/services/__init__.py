"""Workflows of the France Num app (each module one concern); every status change goes through
transitions.change_status."""
