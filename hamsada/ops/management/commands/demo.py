import base64

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from hamsada.campaigns.models import Campaign
from hamsada.ops.demo import DEMO_ACCOUNTS, DEMO_ORGANIZATIONS, DEMO_PASSWORD, DEMO_TOTP_KEY
from hamsada.ops.demo.open_letter import load_open_letter
from hamsada.ops.demo.petitions import load_petitions
from hamsada.ops.demo.urgent_action import load_urgent_action
from hamsada.organizations.models import Membership, Operator, Organization
from hamsada.snapshots.actions import take_snapshot
from hamsada.tally.models import Snapshot


class Command(BaseCommand):
    help = (
        "Loads two demo organisations, their campaigns and demo accounts (once; running "
        "it again is harmless)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--code",
            action="store_true",
            help="print the demo accounts' second-factor code of the moment, and nothing else",
        )

    def handle(self, *args, code, **options):
        if settings.PRODUCTION:
            raise CommandError("The demo is not for production instances (HAMSADA_PRODUCTION=1).")
        if code:
            self.stdout.write(f"{totp(bytes.fromhex(DEMO_TOTP_KEY), t0=0, step=30):06d}")
            return
        with transaction.atomic():
            organizations = {
                slug: Organization.objects.get_or_create(slug=slug, defaults={"name": name})[0]
                for slug, name in DEMO_ORGANIZATIONS.items()
            }
            load_petitions(organizations["demo"])
            load_urgent_action(organizations["demo"])
            load_open_letter(organizations["demo-letters"])
            for username, slug, role in DEMO_ACCOUNTS:
                self.account(username, organizations.get(slug), role)
            # A first signed snapshot, so that each verification page has a chain.
            for campaign in Campaign.objects.filter(
                organization__in=organizations.values(), snapshots=None
            ):
                take_snapshot(campaign, Snapshot.Reason.REQUESTED, timezone.now())
        for username, slug, role in DEMO_ACCOUNTS:
            where = f"{role} of {DEMO_ORGANIZATIONS[slug]}" if slug else "operator"
            self.stdout.write(
                f"Demo account: log in at /en/admin/ as {username} / {DEMO_PASSWORD} ({where})"
            )
        key = base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()
        self.stdout.write(
            f"Second factor of the demo accounts: the authenticator key {key} (add it to an "
            "app), or the code `.venv/bin/hamsada demo --code` prints. Passkeys work at "
            "http://localhost:8000/."
        )

    def account(self, username, organization, role):
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": True, "email": f"{username}@example.org"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            TOTPDevice.objects.create(
                user=user, name="Demo authenticator", key=DEMO_TOTP_KEY, confirmed=True
            )
        if organization is None:
            Operator.objects.get_or_create(user=user)
        else:
            Membership.objects.update_or_create(
                user=user, organization=organization, defaults={"role": role}
            )
        return user
