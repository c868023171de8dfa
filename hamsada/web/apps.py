from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class WebConfig(AppConfig):
    """The public pages and the organisers' admin: the top layer, above every app."""

    default = True
    name = "hamsada.web"
    verbose_name = "Web"

    def ready(self):
        from hamsada.web.notices import register_notices  # noqa: PLC0415

        register_notices()


class OrganisersAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "hamsada.web.site.OrganisersSite"
