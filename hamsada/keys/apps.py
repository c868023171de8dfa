from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KeysConfig(AppConfig):
    """The instance key's history: each replacement, and the earlier digest
    keys that stored digests still chain through."""

    name = "hamsada.keys"
    verbose_name = _("Keys")
