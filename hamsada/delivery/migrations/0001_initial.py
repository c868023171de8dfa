
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('campaigns', '0005_complete_languages'),
        ('tally', '0003_snapshots'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Export',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('what', models.CharField(max_length=200, verbose_name='what')),
                ('rows', models.PositiveIntegerField(null=True, verbose_name='rows')),
                ('created_at', models.DateTimeField(verbose_name='when')),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='exports', to='campaigns.campaign', verbose_name='campaign')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
            ],
            options={
                'verbose_name': 'export of personal data',
                'verbose_name_plural': 'exports of personal data',
                'ordering': ['-created_at'],
                'permissions': [('export_supporters', "Can export supporters' names and email addresses")],
            },
        ),
        migrations.CreateModel(
            name='Package',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language', models.CharField(choices=[('en', 'English'), ('fa', 'دری'), ('ps', 'پښتو')], max_length=5, verbose_name='language')),
                ('include_names', models.BooleanField(default=True, help_text='The names of supporters who chose to be named publicly (organisations first). Everyone else is counted, never named.', verbose_name='include the names')),
                ('status', models.CharField(choices=[('queued', 'Waiting to be built'), ('building', 'Being built'), ('ready', 'Ready'), ('failed', 'Failed')], default='queued', max_length=10, verbose_name='status')),
                ('names_total', models.PositiveIntegerField(default=0, editable=False, verbose_name='names')),
                ('names_done', models.PositiveIntegerField(default=0, editable=False, verbose_name='names drawn')),
                ('requested_at', models.DateTimeField(editable=False, verbose_name='requested')),
                ('started_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='started')),
                ('finished_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='finished')),
                ('error', models.CharField(blank=True, editable=False, max_length=300, verbose_name='error')),
                ('pdf', models.BinaryField(null=True)),
                ('csv', models.BinaryField(null=True)),
                ('json', models.BinaryField(null=True)),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='packages', to='campaigns.campaign', verbose_name='campaign')),
                ('requested_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('snapshot', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, to='tally.snapshot')),
            ],
            options={
                'verbose_name': 'delivery package',
                'verbose_name_plural': 'delivery packages',
                'ordering': ['-requested_at'],
            },
        ),
        migrations.CreateModel(
            name='Delivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('method', models.CharField(choices=[('email', 'emailed from here'), ('handed', 'handed over'), ('posted', 'posted'), ('other', 'another way')], max_length=10, verbose_name='how')),
                ('address', models.EmailField(blank=True, help_text="For emailing: one of the target's addresses; empty means the first.", max_length=254, verbose_name='email address')),
                ('delivered_on', models.DateField(verbose_name='delivered on')),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('created_at', models.DateTimeField(editable=False, verbose_name='recorded')),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='deliveries', to='campaigns.campaign', verbose_name='campaign')),
                ('event', models.OneToOneField(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='campaigns.event')),
                ('recorded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('target', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='campaigns.target', verbose_name='target')),
                ('package', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='deliveries', to='delivery.package', verbose_name='package')),
            ],
            options={
                'verbose_name': 'delivery',
                'verbose_name_plural': 'deliveries',
                'ordering': ['-delivered_on', '-pk'],
            },
        ),
        migrations.AddIndex(
            model_name='package',
            index=models.Index(fields=['status', 'requested_at'], name='delivery_pa_status_9bc827_idx'),
        ),
    ]
