"""Template filters available in every template (registered as builtins)."""

from django.template import Library
from django.utils.translation import get_language

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
def markdown(source):
    return render_markdown(source)
