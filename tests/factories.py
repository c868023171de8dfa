"""State-named builders for tests: open_petition, pending_signature, confirmed_signature."""

from django.utils import timezone

from hamsada.campaigns.actions import open_campaign
from hamsada.campaigns.models import Campaign, CampaignText, Target
from hamsada.delivery.actions import build_package, claim_package
from hamsada.delivery.models import Package
from hamsada.organizations.models import Membership, Organization
from hamsada.participation.actions import confirm_act, record_act
from hamsada.participation.models import Act

TEXTS = {
    "en": {
        "title": "Free the teachers",
        "summary": "Teachers are held for teaching girls.",
        "body": "Release them **now**.",
        "demands": "Release the teachers.\nDrop the charges.",
    },
    "fa": {
        "title": "معلمان را آزاد کنید",
        "summary": "معلمان به خاطر درس دادن به دختران زندانی اند.",
        "body": "آنان را **همین حالا** آزاد کنید.",
        "demands": "معلمان را آزاد کنید.",
    },
    "ps": {
        "title": "ښوونکي خوشې کړئ",
        "summary": "ښوونکي د نجونو د تدریس له امله بندیان دي.",
        "body": "همدا اوس یې **خوشې** کړئ.",
        "demands": "ښوونکي خوشې کړئ.",
    },
}


def organization(slug="org", name="Org"):
    org, _created = Organization.objects.get_or_create(slug=slug, defaults={"name": name})
    return org


def organiser(username, organization, role, password="pw"):
    """A new account with role in organization."""
    from django.contrib.auth.models import User

    return member(User.objects.create_user(username, password=password), organization, role)


def member(user, organization, role):
    """user, made staff and given role in organization."""
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    Membership.objects.update_or_create(
        user=user, organization=organization, defaults={"role": role}
    )
    return user


def draft_petition(slug="free-the-teachers", languages=("en", "fa", "ps"), **fields):
    campaign = Campaign.objects.create(slug=slug, **{"organization": organization(), **fields})
    for language in languages:
        CampaignText.objects.create(campaign=campaign, language=language, **TEXTS[language])
    target = Target.objects.create(name="Minister of Justice", institution="Ministry of Justice")
    campaign.targets.add(target)
    return campaign


def open_petition(slug="free-the-teachers", languages=("en", "fa", "ps"), **fields):
    campaign = draft_petition(slug, languages, **fields)
    open_campaign(campaign, timezone.now())
    return campaign


def pending_signature(
    campaign,
    email="ada@example.org",
    name="Ada",
    country="DE",
    language="en",
    show_name=False,
    wants_updates=False,
):
    return record_act(
        campaign,
        kind=Act.Kind.SIGNATURE,
        name=name,
        email=email,
        country=country,
        show_name=show_name,
        wants_updates=wants_updates,
        language=language,
        now=timezone.now(),
    )


def confirmed_signature(campaign, **fields):
    act = pending_signature(campaign, **fields)
    act, _changed = confirm_act(act.pk, timezone.now())
    return act


def sign_data(**overrides):
    data = {"name": "Ada Lovelace", "email": "ada@example.org", "country": "GB", "consent": "on"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def open_urgent_action():
    """The demo urgent action: two officials with every kind of channel, en/fa/ps."""
    from hamsada.ops.demo.urgent_action import SLUG, load_urgent_action

    load_urgent_action(organization())
    return Campaign.objects.get(slug=SLUG)


def ambassador():
    return Target.objects.get(name__startswith="Ambassador")


def president():
    return Target.objects.get(name__startswith="President")


def open_letter(slug="letter-to-the-court", **fields):
    return open_petition(slug, kind=Campaign.Kind.OPEN_LETTER, **fields)


def demo_open_letter():
    """The demo open letter: approved organisations, co-signers and a timeline."""
    from hamsada.ops.demo.open_letter import SLUG, load_open_letter

    load_open_letter(organization())
    return Campaign.objects.get(slug=SLUG)


def organisation_signature(
    campaign, name_en="Kabul Legal Aid", email="office@example.org", language="en", **names
):
    from hamsada.participation.models import OrganisationSignature

    return record_act(
        campaign,
        kind=Act.Kind.ORGANISATION,
        name="Contact Person",
        email=email,
        country="AF",
        show_name=False,
        wants_updates=False,
        language=language,
        now=timezone.now(),
        organisation=OrganisationSignature(name_en=name_en, **names),
    )


NAMED = ["مریم رحیمی", "Ada Lovelace", "زرغونه یوسفزۍ", '=HYPERLINK("http://x.example")']


def named_supporters(campaign):
    """Four confirmed supporters who chose to be named, in three scripts, then one who did not."""
    acts = [
        confirmed_signature(campaign, email=f"n{i}@example.org", name=name, show_name=True,
                            country="AF")
        for i, name in enumerate(NAMED)
    ]  # fmt: skip
    confirmed_signature(campaign, email="quiet@example.org", name="Quiet Person")
    return acts


def built_package(campaign, language="fa", include_names=True):
    package = Package.objects.create(
        campaign=campaign,
        language=language,
        include_names=include_names,
        requested_at=timezone.now(),
    )
    assert claim_package(timezone.now()) == package.pk
    assert claim_package(timezone.now()) is None  # claimed once
    return build_package(package.pk, timezone.now())
