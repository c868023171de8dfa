import warnings

from anymail.exceptions import AnymailConfigurationError, AnymailInsecureWebhookWarning
from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "hamsada.outbox"
    verbose_name = _("Outgoing email")

    def ready(self):
        from anymail.signals import tracking  # noqa: PLC0415 (registration at start-up)

        from hamsada.outbox.webhooks import on_tracking_event  # noqa: PLC0415

        checks.register(smtp_configured, checks.Tags.security, deploy=True)
        checks.register(bounces_handled, checks.Tags.security, deploy=True)
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


def bounces_handled(app_configs, **kwargs):
    """Bounces must reach the instance, or it keeps mailing addresses that do
    not exist, and relays and providers suspend senders that do."""
    if not settings.PRODUCTION:
        return []
    if settings.SMTP_URL and not settings.BOUNCE_ADDRESS:
        return [
            checks.Warning(
                "HAMSADA_BOUNCE_ADDRESS is not set: bounces that come back by mail are "
                "not read, and addresses that do not exist are mailed again.",
                hint="Set it to a mailbox piped to `hamsada bounce` (see README, Email).",
                id="hamsada.W002",
            )
        ]
    if settings.MAIL_PROVIDER:
        return provider_webhook_problems()
    return []


def provider_webhook_problems():
    try:
        view = resolve(f"/{settings.MAIL_PROVIDER}/tracking/", urlconf="anymail.urls").func
    except Resolver404:
        return [
            checks.Warning(
                f"Anymail has no tracking webhook for {settings.MAIL_PROVIDER}: bounces and "
                "complaints are not reported to the instance.",
                id="hamsada.W003",
            )
        ]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            view.view_class(**view.view_initkwargs)
        except AnymailConfigurationError as error:
            return [
                checks.Error(
                    f"The {settings.MAIL_PROVIDER} webhook cannot check requests: {error}",
                    hint="Add its signing key to HAMSADA_ANYMAIL.",
                    id="hamsada.E004",
                )
            ]
    if any(issubclass(warning.category, AnymailInsecureWebhookWarning) for warning in caught):
        return [
            checks.Error(
                "The mail provider's webhook would accept anyone's requests: anyone could "
                "suppress any address.",
                hint='Add "WEBHOOK_SECRET": "user:long-random-password" to HAMSADA_ANYMAIL.',
                id="hamsada.E005",
            )
        ]
    return []
