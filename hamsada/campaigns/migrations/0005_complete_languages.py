from django.db import migrations, models

# As in CampaignText.CONTENT_FIELDS when this migration was written.
CONTENT_FIELDS = [
    "title",
    "summary",
    "body",
    "demands",
    "letter_subject",
    "letter",
    "phone_script",
    "social_post",
]


def mark_incomplete_languages(apps, schema_editor):
    """A language lacking a text that another language has is not complete."""
    CampaignText = apps.get_model("campaigns", "CampaignText")
    by_campaign = {}
    for text in CampaignText.objects.all():
        by_campaign.setdefault(text.campaign_id, []).append(text)
    for texts in by_campaign.values():
        used = [f for f in CONTENT_FIELDS if any(getattr(t, f).strip() for t in texts)]
        for text in texts:
            if any(not getattr(text, f).strip() for f in used):
                CampaignText.objects.filter(pk=text.pk).update(complete=False)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0004_timeline_history")]

    operations = [
        migrations.AddField(
            model_name="campaigntext",
            name="complete",
            field=models.BooleanField(default=True, editable=False, verbose_name="complete"),
        ),
        migrations.RunPython(mark_incomplete_languages, migrations.RunPython.noop),
    ]
