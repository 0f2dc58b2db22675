from wagtail import hooks

from .conditions import LeadScoreCondition


@hooks.register("register_contact_condition")
def register_lead_score_condition():
    return LeadScoreCondition()
