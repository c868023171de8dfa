from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TallyConfig(AppConfig):
    name = "hamsada.tally"
    verbose_name = _("Counts")

    def ready(self):
        # Django's place for registrations: the models are loaded only now.
        from hamsada.tally.emails import register_emails  # noqa: PLC0415

        register_emails()
