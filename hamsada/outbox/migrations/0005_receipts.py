
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('outbox', '0004_event_emails'),
    ]

    operations = [
        migrations.AddField(
            model_name='message',
            name='secret',
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AlterField(
            model_name='message',
            name='kind',
            field=models.CharField(choices=[('confirm', 'Please confirm'), ('confirm_report', 'Please confirm a report'), ('update', 'Campaign news'), ('already_signed', 'Already signed'), ('receipt', 'Receipt')], max_length=20, verbose_name='kind'),
        ),
    ]
