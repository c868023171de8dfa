"""The one intake: every public way to take part (a signature, an
organisation's co-signature, an action report) goes through submit(), which
finds the campaign, checks that it takes this kind of act now, applies the
rate limit and any further checks, validates the form and records the act.
Web pages, and later an API, only turn its outcome into a response."""

from dataclasses import dataclass, field

from django.conf import settings

from hamsada.campaigns.models import Campaign
from hamsada.lib.ratelimit import allow
from hamsada.participation import privacy
from hamsada.participation.actions import record_act
from hamsada.participation.forms import CosignForm, OrganisationForm, ReportForm, SignForm
from hamsada.participation.models import Act, OrganisationSignature

# Outcomes, with the HTTP status a page answers them with.
RECORDED = "recorded"
NOT_FOUND = "not_found"  # 404
CLOSED = "closed"  # 409: the campaign takes no such acts now
LIMITED = "limited"  # 429: this client (or key) is over the rate limit
REFUSED = "refused"  # 403: a further check said no
INVALID = "invalid"  # 400: the form has errors


@dataclass
class Submission:
    outcome: str
    campaign: Campaign | None = None
    form: object = None
    act: Act | None = None
    # A further check's reason for refusing, to show.
    reason: str = ""


def sign_kind(campaign):
    return (
        Act.Kind.COSIGNATURE if campaign.kind == Campaign.Kind.OPEN_LETTER else Act.Kind.SIGNATURE
    )


@dataclass(frozen=True)
class Way:
    """One way to take part: which campaigns have it, when they accept it, its
    form, and what record_act is given from the form's cleaned data."""

    kinds: tuple  # of campaigns that have this way; empty: every kind
    form: object  # (campaign, data=None, files=None) -> the form, bound or not
    act_fields: object  # (campaign, cleaned_data) -> keyword arguments of record_act
    accepts: object = field(default=lambda campaign, now: campaign.accepts_acts(now))


SIGN = Way(
    kinds=(),
    form=lambda campaign, data=None, files=None: (
        CosignForm if campaign.kind == Campaign.Kind.OPEN_LETTER else SignForm
    )(data),
    accepts=lambda campaign, now: (
        campaign.accepts_acts(now)
        and (campaign.kind != Campaign.Kind.OPEN_LETTER or campaign.individuals_may_sign)
    ),
    act_fields=lambda campaign, data: {
        "kind": sign_kind(campaign),
        "affiliation": data.get("affiliation", ""),
        **{name: data[name] for name in ("name", "email", "country", "show_name", "wants_updates")},
    },
)

REPORT = Way(
    kinds=(Campaign.Kind.URGENT_ACTION,),
    form=lambda campaign, data=None, files=None: ReportForm(
        data, targets=list(campaign.targets.prefetch_related("channels"))
    ),
    act_fields=lambda campaign, data: {
        "kind": Act.Kind.REPORT,
        "show_name": False,
        "note": data["note"],
        "actions": data["actions"],
        **{name: data[name] for name in ("name", "email", "country", "wants_updates")},
    },
)

ORGANISATION = Way(
    kinds=(Campaign.Kind.OPEN_LETTER,),
    form=lambda campaign, data=None, files=None: OrganisationForm(data, files),
    accepts=lambda campaign, now: campaign.organisations_may_sign and campaign.accepts_acts(now),
    act_fields=lambda campaign, data: {
        "kind": Act.Kind.ORGANISATION,
        "name": data["contact_name"],
        "email": data["email"],
        "country": data["country"],
        "show_name": False,
        "wants_updates": data["wants_updates"],
        "organisation": OrganisationSignature(
            **{name: data[name] for name in OrganisationForm.NAMES},
            website=data["website"],
            logo=data["logo"],
            has_logo=data["logo"] is not None,
        ),
    },
)


def find(way, slug, language):
    """The public campaign of slug that has this way and its texts in language, or None."""
    campaign = Campaign.public_in(slug, language)
    if campaign is None or (way.kinds and campaign.kind not in way.kinds):
        return None
    return campaign


def submit(way, slug, data, files=None, *, language, now, client, checks=(), onion=False):
    """Takes one act through the intake. client identifies who is asking for
    the rate limit (a client's address, or an API key); each of checks is
    called with the campaign and returns None, or a reason to refuse (a form
    token and Origin check for public forms, say); onion: it came over the
    onion service, and its emails link there. Nothing is stored unless the
    outcome is RECORDED."""
    campaign = find(way, slug, language)
    if campaign is None:
        return Submission(NOT_FOUND)
    if not way.accepts(campaign, now):
        return Submission(CLOSED, campaign, way.form(campaign, data, files))
    if not allow(client, "sign", settings.SIGN_RATE_LIMIT, settings.SIGN_RATE_WINDOW):
        return Submission(LIMITED, campaign)
    form = way.form(campaign, data, files)
    valid = form.is_valid()
    for check in checks:
        if reason := check(campaign):
            # Given back filled in, the reason above it, to send again.
            form.add_error(None, reason)
            return Submission(REFUSED, campaign, form, reason=reason)
    if not valid:
        return Submission(INVALID, campaign, form)
    act = record_act(
        campaign,
        language=language,
        now=now,
        onion=onion,
        consent_hash=privacy.consent_hash(
            form.fields["consent"].label, campaign.retention_promise()
        ),
        notice_hash=privacy.notice_hash(language),
        **way.act_fields(campaign, form.cleaned_data),
    )
    return Submission(RECORDED, campaign, form, act)
