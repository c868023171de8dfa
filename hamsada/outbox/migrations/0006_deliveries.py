import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("delivery", "0001_initial"),
        ("outbox", "0005_receipts"),
        ("participation", "0005_receipts"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="delivery",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="messages",
                to="delivery.delivery",
            ),
        ),
        migrations.AlterField(
            model_name="message",
            name="act",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="messages",
                to="participation.act",
            ),
        ),
        migrations.AlterField(
            model_name="message",
            name="kind",
            field=models.CharField(
                choices=[
                    ("confirm", "Please confirm"),
                    ("confirm_report", "Please confirm a report"),
                    ("update", "Campaign news"),
                    ("already_signed", "Already signed"),
                    ("receipt", "Receipt"),
                    ("delivery", "Delivery to a target"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
    ]
