"""What each role may do in its organisation, as Django permissions.

An organiser holds one role in each organisation they belong to
(Membership), and a permission from it counts only for that organisation's
campaigns, acts, packages and exports (organizations.backends). Roles are
fixed here, not edited in the admin, so that a role means the same on every
instance and in the README's table.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    CAMPAIGNER = "campaigner", _("Campaigner")
    TRANSLATOR = "translator", _("Translator")
    REVIEWER = "reviewer", _("Reviewer")
    VIEWER = "viewer", _("Viewer")


def grant(app, models_, *verbs):
    return {f"{app}.{verb}_{model}" for model in models_ for verb in verbs}


CAMPAIGN_MODELS = ["campaign", "campaigntext", "personconcerned", "event", "eventtext"]
# Officials are a directory shared by every organisation on the instance.
DIRECTORY_MODELS = ["target", "salutation", "channel"]

READ = (
    grant("campaigns", CAMPAIGN_MODELS + DIRECTORY_MODELS, "view")
    | grant("tally", ["snapshot", "offlinecount"], "view")
    | grant("delivery", ["package", "delivery"], "view")
)
VIEWER = READ | {"participation.view_act", "participation.view_organisationsignature"}
TRANSLATOR = READ | grant("campaigns", ["campaigntext", "eventtext"], "add", "change")
REVIEWER = VIEWER | {
    "participation.change_organisationsignature",
    "participation.view_contact_email",
}
CAMPAIGNER = (
    REVIEWER
    | TRANSLATOR
    | grant("campaigns", CAMPAIGN_MODELS, "add", "change")
    | grant("campaigns", ["campaigntext", "personconcerned", "event", "eventtext"], "delete")
    | grant("campaigns", DIRECTORY_MODELS, "add", "change")
    | grant("tally", ["offlinecount"], "add", "change", "delete")
    | {
        "tally.add_snapshot",
        "participation.invalidate_act",
        # Those who may invalidate acts are told of unusual rises (tally.actions).
        "tally.view_risealert",
        "participation.view_private_names",
        "delivery.add_package",
        "delivery.download_package",
        "delivery.add_delivery",
        "delivery.change_delivery",
        "outbox.view_message",
    }
)
OWNER = (
    CAMPAIGNER
    | grant("organizations", ["membership"], "view", "add", "change", "delete")
    | {
        # Mail to every supporter is the owners' to send: one stolen campaigner
        # account must not be able to write to them all.
        "campaigns.email_supporters",
        "campaigns.delete_campaign",
        "delivery.export_supporters",
        "delivery.view_export",
        # Invalidating by criteria reads every matching address and can uncount
        # thousands at once: the owners', like mail to every supporter.
        "participation.bulk_invalidate",
        "organizations.view_organization",
        "organizations.change_organization",
        "organizations.view_auditentry",
    }
)
PERMISSIONS = {
    Role.OWNER: OWNER,
    Role.CAMPAIGNER: CAMPAIGNER,
    Role.TRANSLATOR: TRANSLATOR,
    Role.REVIEWER: REVIEWER,
    Role.VIEWER: VIEWER,
}

# The operator's, on the instance as a whole: no supporter's data in them.
OPERATOR = (
    grant("organizations", ["organization"], "view", "add", "change")
    | grant("organizations", ["membership"], "view", "add")
    | grant("campaigns", DIRECTORY_MODELS, "view", "add", "change", "delete")
    | {
        "outbox.view_message",
        "outbox.view_suppression",
        "outbox.delete_suppression",
        "organizations.view_auditentry",
    }
)

# Permissions that reach supporters' personal data: whoever holds one must log
# in with a second factor, and use it afresh before the most sensitive reads.
PERSONAL_DATA = {
    "participation.view_private_names",
    "participation.view_contact_email",
    "delivery.export_supporters",
    "delivery.download_package",
    "participation.bulk_invalidate",
}


def sees_personal_data(role):
    return bool(PERMISSIONS[role] & PERSONAL_DATA)
