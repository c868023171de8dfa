from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from hamsada.campaigns.models import Campaign
from hamsada.ops.demo import DEMO_ORGANIZATION, DEMO_PASSWORD, DEMO_USERNAME
from hamsada.ops.demo.open_letter import load_open_letter
from hamsada.ops.demo.petitions import load_petitions
from hamsada.ops.demo.urgent_action import load_urgent_action
from hamsada.organizations.models import Organization
from hamsada.snapshots.actions import take_snapshot
from hamsada.tally.models import Snapshot


class Command(BaseCommand):
    help = "Loads demo campaigns and a demo organiser account (once; running it again is harmless)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("The demo is not for production instances (HAMSADA_PRODUCTION=1).")
        with transaction.atomic():
            organization, _created = Organization.objects.get_or_create(
                slug=DEMO_ORGANIZATION, defaults={"name": "Hamsada demo organisation"}
            )
            organiser = self.organiser()
            organization.members.add(organiser)
            load_petitions(organization)
            load_urgent_action(organization)
            load_open_letter(organization)
            # A first signed snapshot, so that each verification page has a chain.
            for campaign in Campaign.objects.filter(organization=organization, snapshots=None):
                take_snapshot(campaign, Snapshot.Reason.REQUESTED, timezone.now())
        self.stdout.write(
            f"Demo organiser: log in at /en/admin/ as {DEMO_USERNAME} / {DEMO_PASSWORD}"
        )

    def organiser(self):
        user, created = User.objects.get_or_create(
            username=DEMO_USERNAME, defaults={"is_staff": True, "email": "organiser@example.org"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        # Set every time, so that an older demo organiser can use what was added since.
        user.user_permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=[
                    "campaigns",
                    "participation",
                    "tally",
                    "outbox",
                    "delivery",
                ]
            )
        )
        return user
