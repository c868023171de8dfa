from django import forms
from django.core.validators import EmailValidator
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hamsada.lib.countries import CODES, country_choices
from hamsada.lib.text import clean_line

COUNTRY_CODES = frozenset(CODES)
# Built once: each EmailValidator compiles its own regular expressions, which
# cost more than the rest of a signature put together.
validate_email = EmailValidator(
    message=_("Please write a valid email address, like name@example.org.")
)


class CountrySelect(forms.Select):
    """The countries in the page's language, rendered in Python: through option
    templates, 250 countries cost about 20 ms on every petition page, and as
    field choices they were normalised again on every signature."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = [("", _("Choose a country")), *country_choices(get_language())]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((code, " selected" if code == value else "", label) for code, label in choices),
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            options,
        )


class SignForm(forms.Form):
    """A signature: the fields every act kind shares."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=120,
        error_messages={
            "required": _("Please write your name."),
            "max_length": _("Please shorten your name to 120 characters."),
        },
    )
    email = forms.CharField(
        label=_("Your email address"),
        max_length=254,
        error_messages={
            "required": _("Please write your email address."),
            "max_length": _("This email address is too long."),
        },
        help_text=_("We send you a link to confirm. It is stored encrypted and never shown."),
    )
    country = forms.CharField(
        label=_("Country where you live"),
        widget=CountrySelect,
        error_messages={"required": _("Please choose a country.")},
    )
    show_name = forms.BooleanField(
        label=_("Show my name publicly as a signer"),
        required=False,
        help_text=_("If you leave this unticked, you are counted in the total without your name."),
    )
    wants_updates = forms.BooleanField(
        label=_("Email me updates about this campaign"), required=False
    )
    consent = forms.BooleanField(
        label=_(
            "I understand that signing shows my support for this campaign, and I agree that "
            "this organisation stores my name, email address and country to count and "
            "confirm my signature."
        ),
        error_messages={"required": _("Please tick this box to sign.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update({"autocomplete": "name", "dir": "auto"})
        self.fields["email"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "dir": "ltr", "maxlength": 254}
        )

    def clean_country(self):
        country = self.cleaned_data["country"]
        if country not in COUNTRY_CODES:
            raise forms.ValidationError(_("Please choose a country from the list."))
        return country

    def clean_name(self):
        name = clean_line(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("Please write your name."))
        return name

    def clean_email(self):
        email = clean_line(self.cleaned_data["email"]).replace(" ", "")
        validate_email(email)
        return email
