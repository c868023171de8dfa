import hashlib
import secrets

from django.db import migrations, models

INDIVIDUAL_KINDS = ["signature", "report", "cosignature"]


def receipts_for_earlier_acts(apps, schema_editor):
    """Acts confirmed before receipts existed are counted like the rest, with
    the hash of a code that was never shown to anyone: it can be counted in a
    snapshot, but no one can claim it."""
    Act = apps.get_model("participation", "Act")
    confirmed = Act.objects.filter(status="confirmed", kind__in=INDIVIDUAL_KINDS)
    for pk in confirmed.filter(receipt_hash=None).values_list("pk", flat=True).iterator():
        unknown = hashlib.sha256(secrets.token_bytes(32)).hexdigest()
        Act.objects.filter(pk=pk).update(receipt_hash=unknown)


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0004_organisations"),
    ]

    operations = [
        migrations.AddField(
            model_name="act",
            name="receipt_hash",
            field=models.CharField(editable=False, max_length=64, null=True, unique=True),
        ),
        migrations.AlterModelOptions(
            name='act',
            options={'permissions': [('invalidate_act', 'Can invalidate acts as abuse')], 'verbose_name': 'supporter act', 'verbose_name_plural': 'supporter acts'},
        ),
        migrations.AlterField(
            model_name='act',
            name='status',
            field=models.CharField(choices=[('pending', 'Waiting for email confirmation'), ('confirmed', 'Confirmed'), ('withdrawn', 'Withdrawn'), ('invalidated', 'Invalidated as abuse')], default='pending', max_length=12, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='act',
            name='withdrawn_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='withdrawn or invalidated'),
        ),
        migrations.RunPython(receipts_for_earlier_acts, migrations.RunPython.noop),
    ]
