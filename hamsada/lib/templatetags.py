"""Template filters available in every template (registered as builtins)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.template import Library
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hamsada.lib import countries, text
from hamsada.lib.calendar import format_day
from hamsada.lib.links import FORM_TOKEN_FIELD, HONEYPOT_FIELD, form_token, form_token_problem
from hamsada.lib.markdown import render_markdown
from hamsada.lib.text import format_count, localize_digits

register = Library()


@register.filter
def count(number):
    """An exact count in the page language's digits: 354,847 or ۳۵۴٬۸۴۷."""
    return format_count(int(number or 0), get_language())


@register.filter
def digits(value):
    """Any text (a date, a percentage) with digits in the page language's numerals."""
    return localize_digits(value, get_language())


@register.filter
def shown(channel):
    """A channel's address as read on the page: phone and fax numbers in the
    page's digits (their links keep Western ones), everything else as typed."""
    if channel.kind in {"phone", "fax"}:
        return localize_digits(channel.value, get_language())
    return channel.value


@register.filter
def markdown(source):
    return render_markdown(source)


@register.filter
def salutation(target):
    """The target's salutation in the page's language."""
    return target.salutation_in(get_language())


@register.filter
def text_for(item, language):
    """An update's (or campaign's) text in language, else its first text."""
    return item.text_in(language)


@register.filter
def country_name(code):
    return countries.country_name(code, get_language())


@register.filter
def isolate(value):
    """For plain text (emails), where <bdi> does not exist."""
    return text.isolate(str(value))


@register.filter
def direction(value, default="ltr"):
    return text.direction(str(value), default)


@register.filter
def domain(url):
    """The host a link leads to, so that readers see where before they click."""
    return urlsplit(str(url)).hostname or ""


@register.filter
def name_in(organisation, language):
    return organisation.name_in(language)


@register.simple_tag(takes_context=True)
def day(context, value):
    """A date in the page's language and its organisation's calendar."""
    if not value:
        return ""
    campaign = context.get("campaign")
    organization = getattr(campaign, "organization", None)
    choice = getattr(organization, "calendar", None) or settings.CALENDAR
    return format_day(value, get_language(), choice)


@register.simple_tag(name="form_token", takes_context=True)
def form_token_field(context):
    """The hidden fields that stand for a CSRF token on public forms (web.guard):
    when the form was opened, and a field people never see and scripts fill in.
    A form given back after an error keeps the time it was first opened."""
    request = context.get("request")
    sent = request.POST.get(FORM_TOKEN_FIELD) if request and request.method == "POST" else None
    token = sent if form_token_problem(sent) in (None, "too_fast") else form_token()
    if request is not None:
        request.form_opened = True  # web.middleware caches it no longer than a form may be
    return format_html(
        '<input type="hidden" name="{}" value="{}">'
        '<div class="trap" aria-hidden="true"><label>{} '
        '<input type="text" name="{}" value="" tabindex="-1" autocomplete="off"></label></div>',
        FORM_TOKEN_FIELD,
        token,
        _("Leave this empty"),
        HONEYPOT_FIELD,
    )
