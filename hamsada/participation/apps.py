from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "hamsada.participation"
    verbose_name = _("Participation")

    def ready(self):
        # Django's place for registrations: the models are loaded only now.
        from hamsada.participation.emails import register_renderers  # noqa: PLC0415

        register_renderers()
