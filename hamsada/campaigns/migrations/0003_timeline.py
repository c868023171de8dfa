import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def date_events(apps, schema_editor):
    """Updates published before the timeline existed happened when published."""
    Event = apps.get_model("campaigns", "Event")
    for event in Event.objects.all():
        event.happened_on = event.created_at.date()
        event.save(update_fields=["happened_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0002_urgent_actions"),
        # Its emails point at updates, which become events here.
        ("outbox", "0003_update_emails"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel("Update", "Event"),
        migrations.RenameModel("UpdateText", "EventText"),
        migrations.RemoveConstraint(
            model_name="eventtext",
            name="one_update_text_per_language",
        ),
        migrations.RenameField("eventtext", "update", "event"),
        migrations.RenameField("event", "published_at", "created_at"),
        migrations.AlterModelOptions(
            name="event",
            options={
                "ordering": ["-happened_on", "-created_at"],
                "verbose_name": "timeline event",
                "verbose_name_plural": "timeline events",
            },
        ),
        migrations.AlterModelOptions(
            name="eventtext",
            options={"verbose_name": "event text", "verbose_name_plural": "event texts"},
        ),
        migrations.AddField(
            model_name="campaign",
            name="individuals_may_sign",
            field=models.BooleanField(
                default=True,
                help_text="For an open letter.",
                verbose_name="individuals may co-sign",
            ),
        ),
        migrations.AddField(
            model_name="campaign",
            name="organisations_may_sign",
            field=models.BooleanField(
                default=True,
                help_text="For an open letter.",
                verbose_name="organisations may co-sign",
            ),
        ),
        migrations.AddField(
            model_name="campaign",
            name="response_due",
            field=models.DateField(
                blank=True,
                help_text='After this date, each target that has not answered is shown as "no response" on the timeline.',
                null=True,
                verbose_name="response due",
            ),
        ),
        migrations.AddField(
            model_name="campaign",
            name="sent_on",
            field=models.DateField(
                blank=True,
                help_text="For an open letter: setting this date closes signing and adds the delivery to the timeline.",
                null=True,
                verbose_name="letter sent on",
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="announced_at",
            field=models.DateTimeField(
                editable=False, null=True, verbose_name="emailed to supporters"
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="happened_on",
            field=models.DateField(default=django.utils.timezone.localdate, verbose_name="date"),
        ),
        migrations.AddField(
            model_name="event",
            name="kind",
            field=models.CharField(
                choices=[
                    ("launch", "Launch"),
                    ("milestone", "Milestone"),
                    ("update", "Update"),
                    ("delivery", "Delivery"),
                    ("statement", "Statement by others"),
                    ("response", "Response"),
                ],
                default="update",
                max_length=12,
                verbose_name="kind",
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="milestone",
            field=models.PositiveIntegerField(editable=False, null=True, verbose_name="milestone"),
        ),
        migrations.AddField(
            model_name="event",
            name="quote",
            field=models.TextField(
                blank=True,
                help_text="Their exact words, in the language they used.",
                verbose_name="quote",
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="recorded_by",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="recorded by",
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="source_url",
            field=models.URLField(blank=True, max_length=500, verbose_name="source link"),
        ),
        migrations.AddField(
            model_name="event",
            name="stance",
            field=models.CharField(
                blank=True,
                choices=[
                    ("rejected", "Rejected the demands"),
                    ("denied", "Denied the facts"),
                    ("no_comment", "Declined to comment"),
                    ("acknowledged", "Acknowledged"),
                    ("committed", "Committed to act"),
                    ("acted", "Acted"),
                ],
                help_text="For a response.",
                max_length=12,
                verbose_name="stance",
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="target",
            field=models.ForeignKey(
                blank=True,
                help_text="For a response, who answered; for a delivery, who received it.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="events",
                to="campaigns.target",
                verbose_name="target",
            ),
        ),
        migrations.AlterField(
            model_name="campaign",
            name="targets",
            field=models.ManyToManyField(
                blank=True,
                help_text="For an open letter, the addressee.",
                related_name="campaigns",
                to="campaigns.target",
                verbose_name="targets",
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="campaign",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="events",
                to="campaigns.campaign",
                verbose_name="campaign",
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="created_at",
            field=models.DateTimeField(editable=False, verbose_name="recorded"),
        ),
        migrations.AlterField(
            model_name="event",
            name="number",
            field=models.PositiveSmallIntegerField(
                editable=False, null=True, verbose_name="number"
            ),
        ),
        migrations.AlterField(
            model_name="eventtext",
            name="body",
            field=models.TextField(
                blank=True,
                help_text="Markdown: **bold**, *italic*, lists, links.",
                verbose_name="summary",
            ),
        ),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.UniqueConstraint(
                fields=("campaign", "milestone"), name="one_event_per_milestone"
            ),
        ),
        migrations.AddConstraint(
            model_name="eventtext",
            constraint=models.UniqueConstraint(
                fields=("event", "language"), name="one_update_text_per_language"
            ),
        ),
        migrations.RunPython(date_events, migrations.RunPython.noop),
    ]
