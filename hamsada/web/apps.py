from django.apps import AppConfig


class WebConfig(AppConfig):
    """The public pages and the organisers' admin: the top layer, above every app."""

    name = "hamsada.web"
    verbose_name = "Web"
