from django import template

from ..registry import DataSubject
from ..services.personal_data import erasure_plan

register = template.Library()


@register.inclusion_tag("privacy/_erasure_plan.html")
def erasure_explanation(user):
    """What deleting this account erases, anonymises or keeps, shown before the person confirms."""
    return {"plan": erasure_plan(DataSubject.of_user(user))}
