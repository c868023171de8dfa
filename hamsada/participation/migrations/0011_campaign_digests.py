"""Less data in a copy of the database: the names (and affiliations) of
supporters who did not choose to be named, and reports' notes, are encrypted
like their addresses, and address digests are bound to their campaign, derived from the
stored ones (the HMAC of the old digest under the campaign's key), since
invalidated acts keep no address to compute them from. Organisation contacts'
digests too."""

import json

from django.conf import settings
from django.db import migrations, models

from hamsada.lib import crypto

BATCH = 1000


def in_batches(queryset):
    queryset, last = queryset.order_by("pk"), 0
    while rows := list(queryset.filter(pk__gt=last)[:BATCH]):
        yield rows
        last = rows[-1].pk


def bound(digest, campaign_id, key):
    if not digest:
        return digest
    return crypto.chained_digest(digest.encode(), [crypto.scope_key(key, f"campaign:{campaign_id}")])


def forward(apps, schema_editor):
    Act = apps.get_model("participation", "Act")
    OrganisationSignature = apps.get_model("participation", "OrganisationSignature")
    Rotation = apps.get_model("keys", "Rotation")
    # The digests stored now are wrapped by every key so far; the campaign
    # layer goes on top of them (keys.digests.binding counts these).
    Rotation.objects.update(before_campaign_digests=True)
    key = crypto.derive(settings.ENCRYPTION_KEY, "email-digest")

    private = Act.objects.filter(show_name=False).exclude(name="", affiliation="", note="")
    for rows in in_batches(private):
        for act in rows:
            sealed = json.dumps([act.name, act.affiliation, act.note], ensure_ascii=False)
            act.private_encrypted = crypto.encrypt(sealed)
            act.name = act.affiliation = act.note = ""
        Act.objects.bulk_update(rows, ["name", "affiliation", "note", "private_encrypted"])
    for rows in in_batches(Act.objects.exclude(email_digest=None)):
        for act in rows:
            act.email_digest = bound(act.email_digest, act.campaign_id, key)
        Act.objects.bulk_update(rows, ["email_digest"])
    contacts = OrganisationSignature.objects.exclude(contact_digest=None).select_related("act")
    for rows in in_batches(contacts):
        for signature in rows:
            signature.contact_digest = bound(signature.contact_digest, signature.act.campaign_id, key)
        OrganisationSignature.objects.bulk_update(rows, ["contact_digest"])


def backward(apps, schema_editor):
    """Names come back in plain text; digests stay bound (they cannot be had
    back), so the code before this finds no earlier act of an address."""
    Act = apps.get_model("participation", "Act")
    for rows in in_batches(Act.objects.exclude(private_encrypted="")):
        for act in rows:
            act.name, act.affiliation, act.note = json.loads(crypto.decrypt(act.private_encrypted))
        Act.objects.bulk_update(rows, ["name", "affiliation", "note"])


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0010_alter_act_options"),
        ("keys", "0002_campaign_digests"),
    ]

    operations = [
        migrations.AddField(
            model_name="act",
            name="private_encrypted",
            field=models.TextField(blank=True, db_default="", default="", editable=False),
        ),
        migrations.RunPython(forward, backward, elidable=False),
    ]
