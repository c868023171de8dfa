"""An invalidation is stamped in its own field, apart from a withdrawal, and
acts invalidated before that field existed are moved into it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from hamsada.participation.actions import invalidate_act, withdraw_act
from hamsada.participation.models import Act
from tests.factories import confirmed_signature

BEFORE = [("participation", "0005_receipts")]


@pytest.mark.django_db
def test_an_invalidation_and_a_withdrawal_are_stamped_apart(petition):
    invalid = confirmed_signature(petition, email="bot@example.org")
    withdrawn = confirmed_signature(petition, email="ada@example.org")
    invalidate_act(invalid.pk, timezone.now())
    withdraw_act(withdrawn.pk, timezone.now())
    invalid.refresh_from_db()
    withdrawn.refresh_from_db()
    assert invalid.invalidated_at and invalid.withdrawn_at is None
    assert withdrawn.withdrawn_at and withdrawn.invalidated_at is None


@pytest.mark.django_db(transaction=True)
def test_acts_invalidated_before_the_field_existed_move_into_it(petition):
    invalid = confirmed_signature(petition, email="bot@example.org")
    withdrawn = confirmed_signature(petition, email="ada@example.org")
    stamped = timezone.now()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    # As the old code left them: both times in withdrawn_at.
    old = executor.loader.project_state(BEFORE).apps.get_model("participation", "Act")
    old.objects.filter(pk=invalid.pk).update(status="invalidated", withdrawn_at=stamped)
    old.objects.filter(pk=withdrawn.pk).update(status="withdrawn", withdrawn_at=stamped)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    invalid, withdrawn = Act.objects.get(pk=invalid.pk), Act.objects.get(pk=withdrawn.pk)
    assert (invalid.invalidated_at, invalid.withdrawn_at) == (stamped, None)
    assert (withdrawn.withdrawn_at, withdrawn.invalidated_at) == (stamped, None)
