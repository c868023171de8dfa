"""The organisers' screens, one module per app, above every app like the
public pages: Django finds this package because web is an installed app."""

from hamsada.web.admin import (  # noqa: F401 (each module registers its models)
    audit,
    campaigns,
    delivery,
    organizations,
    outbox,
    participation,
    snapshots,
    tally,
)
