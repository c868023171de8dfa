from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "hamsada.outbox"
    verbose_name = _("Outgoing email")

    def ready(self):
        checks.register(smtp_configured, checks.Tags.security, deploy=True)


def smtp_configured(app_configs, **kwargs):
    if settings.PRODUCTION and not settings.SMTP_URL:
        return [
            checks.Error(
                "HAMSADA_SMTP_URL is not set: supporters would never receive their "
                "confirmation emails.",
                id="hamsada.E001",
            )
        ]
    return []
