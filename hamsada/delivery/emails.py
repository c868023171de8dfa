"""The email that delivers a package to a target, and the signed links to
the package's files that it carries."""

from django.utils import translation

from hamsada.delivery.models import Delivery
from hamsada.lib import links
from hamsada.lib.text import format_count
from hamsada.outbox.actions import register
from hamsada.outbox.emails import compose
from hamsada.outbox.models import Message
from hamsada.snapshots.verify import fingerprint

FILE_KINDS = ["pdf", "csv", "json"]
# Links in a delivery email stay valid this long: officials open them late.
LINK_MAX_AGE = 400 * 86400


def package_links(package):
    """{kind: absolute link} to a package's files, signed, for the email that delivers it."""
    token = links.make_token(package.pk, "package")
    return {kind: links.absolute_url("delivered_file", token, kind) for kind in FILE_KINDS}


def package_from_link(token):
    """The package id in a delivered link, or BadToken / ExpiredToken."""
    return links.read_token(token, "package", LINK_MAX_AGE)


def render_delivery(message):
    """The count in words, links to the package's files, and where anyone can
    check the count."""
    delivery = Delivery.objects.select_related(
        "campaign__organization", "target", "package__snapshot"
    ).get(pk=message.delivery_id)
    package = delivery.package
    with translation.override(message.language):
        campaign = delivery.campaign
        statement = package.snapshot.statement
        context = {
            "campaign": campaign,
            "title": campaign.text_for(message.language).title,
            "target": delivery.target,
            "organisation": campaign.organization.name,
            "statement": statement,
            "confirmed": format_count(statement["counts"]["confirmed"], message.language),
            "offline": [
                {**line, "shown": format_count(line["count"], message.language)}
                for line in statement["offline"]
            ],
            "links": package_links(package),
            "verify_url": links.absolute_url("verify", campaign.slug),
            "fingerprint": fingerprint(statement["public_key"]),
        }
        return compose(message, context, delivery.address)


def register_renderers():
    register(Message.Kind.DELIVERY, render_delivery)
