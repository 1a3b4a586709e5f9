"""Test helpers that the settings need before Django is set up."""

import inspect
from pathlib import Path

from django.template.base import Node

PROJECT_DIR = str(Path(__file__).resolve().parent.parent)


class StrictUndefinedVariable(str):
    """`string_if_invalid` that fails the test on an undefined variable in one of our own templates.

    Third-party templates (the admin, django-dsfr) rely on silent undefined variables, so only templates
    under relais/ are held to it.
    """

    def __mod__(self, variable):
        frame = inspect.currentframe()
        while frame is not None:
            node = frame.f_locals.get("self")
            if isinstance(node, Node) and getattr(node, "origin", None) is not None:
                if str(node.origin.name).startswith(PROJECT_DIR):
                    raise NameError(f"Variable de gabarit non définie : {variable!r} dans {node.origin.name}")
                return ""
            frame = frame.f_back
        return ""
