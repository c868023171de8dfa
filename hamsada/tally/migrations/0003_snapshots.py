
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0005_complete_languages'),
        ('tally', '0002_actiontally'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='OfflineCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(choices=[('paper', 'paper sheets'), ('partner', 'a partner organisation')], max_length=10, verbose_name='source')),
                ('name', models.CharField(help_text="Who collected them, and where: e.g. a partner's name or a city.", max_length=200, verbose_name='collected by')),
                ('count', models.PositiveIntegerField(verbose_name='count')),
                ('collected_on', models.DateField(verbose_name='counted on')),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='recorded')),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='offline_counts', to='campaigns.campaign')),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'count from elsewhere',
                'verbose_name_plural': 'counts from elsewhere',
                'ordering': ['collected_on', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Snapshot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField(verbose_name='number')),
                ('taken_at', models.DateTimeField(verbose_name='taken')),
                ('reason', models.CharField(choices=[('requested', 'taken by an organiser'), ('delivery', 'taken for a delivery'), ('scheduled', 'taken on schedule')], max_length=10, verbose_name='reason')),
                ('body', models.TextField(editable=False)),
                ('signature', models.CharField(editable=False, max_length=100)),
                ('digest', models.CharField(editable=False, max_length=64)),
                ('added', models.BinaryField()),
                ('removed', models.BinaryField()),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='snapshots', to='campaigns.campaign')),
                ('taken_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'snapshot',
                'verbose_name_plural': 'snapshots',
                'ordering': ['campaign', 'number'],
                'constraints': [models.UniqueConstraint(fields=('campaign', 'number'), name='one_snapshot_number')],
            },
        ),
    ]
