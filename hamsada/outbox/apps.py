from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "hamsada.outbox"
    verbose_name = _("Outgoing email")

    def ready(self):
        from anymail.signals import tracking  # noqa: PLC0415 (registration at start-up)

        from hamsada.outbox.webhooks import on_tracking_event  # noqa: PLC0415

        checks.register(smtp_configured, checks.Tags.security, deploy=True)
        tracking.connect(on_tracking_event, dispatch_uid="hamsada-tracking")


def smtp_configured(app_configs, **kwargs):
    if settings.PRODUCTION and not settings.SMTP_URL and not settings.MAIL_PROVIDER:
        return [
            checks.Error(
                "Neither HAMSADA_SMTP_URL nor HAMSADA_MAIL_PROVIDER is set: supporters "
                "would never receive their confirmation emails.",
                id="hamsada.E001",
            )
        ]
    return []
