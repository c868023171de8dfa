

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('keys', '0001_rotation'),
    ]

    operations = [
        migrations.AddField(
            model_name='rotation',
            name='before_campaign_digests',
            field=models.BooleanField(db_default=False, default=False, editable=False),
        ),
    ]
