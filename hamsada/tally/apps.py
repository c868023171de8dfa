from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TallyConfig(AppConfig):
    name = "hamsada.tally"
    verbose_name = _("Counts")
