from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "hamsada.delivery"
    verbose_name = _("Delivery")

    def ready(self):
        # Django's place for registrations: the models are loaded only now.
        from hamsada.delivery.emails import register_renderers  # noqa: PLC0415

        register_renderers()
