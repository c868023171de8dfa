import threading
from io import BytesIO

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile, ImageOps

from hamsada.lib.countries import CODES, country_choices
from hamsada.lib.text import clean_line
from hamsada.lib.validators import validate_email

COUNTRY_CODES = frozenset(CODES)


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


class PublicForm(forms.Form):
    """A form supporters fill in: labels end without a colon, which reads
    oddly after a sentence beside a checkbox (and screen readers say it)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class SignForm(PublicForm):
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
        if country and country not in COUNTRY_CODES:
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


class ResendForm(PublicForm):
    """An address to send the confirmation link to again."""

    email = SignForm.base_fields["email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "dir": "ltr", "maxlength": 254}
        )

    clean_email = SignForm.clean_email


class ActsListForm(ResendForm):
    """An address to send the list of its acts to."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = _(
            "The list goes only to this address, never to this page."
        )


# What a supporter did through each kind of channel, as they would say it.
ACTION_LABELS = {
    "postal": _("Posted a letter"),
    "email": _("Sent an email"),
    "phone": _("Made a phone call"),
    "fax": _("Sent a fax"),
    "contact_form": _("Used the contact form"),
    "x": _("Posted on X"),
    "facebook": _("Posted on Facebook"),
    "mastodon": _("Posted on Mastodon"),
    "social": _("Posted on social media"),
}


class ReportForm(PublicForm):
    """What a supporter did for an urgent action; everything personal is optional."""

    actions = forms.MultipleChoiceField(
        label=_("What did you do?"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Please tick at least one thing you did."),
            "invalid_choice": _("Please choose from the list."),
        },
    )
    note = forms.CharField(
        label=_("Anything to add? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("For example, whether anyone answered. Only the organisers read it."),
        error_messages={"max_length": _("Please shorten your note to 1,000 characters.")},
    )
    name = forms.CharField(
        label=_("Your name (optional)"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name", "dir": "auto"}),
        error_messages={"max_length": _("Please shorten your name to 120 characters.")},
    )
    email = forms.CharField(
        label=_("Your email address (optional)"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr", "maxlength": 254}),
        help_text=_(
            "If you give it, we send you a link to confirm, and your report is then counted "
            "as confirmed. It is stored encrypted and never shown."
        ),
        error_messages={"max_length": _("This email address is too long.")},
    )
    country = forms.CharField(
        label=_("Country where you live (optional)"), required=False, widget=CountrySelect
    )
    wants_updates = forms.BooleanField(label=_("Email me updates about this case"), required=False)
    consent = forms.BooleanField(
        label=_(
            "I agree that this organisation stores the details I gave to count and confirm "
            "my report."
        ),
        required=False,
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].choices = action_choices(targets)

    def clean_actions(self):
        return [
            (int(target_id), channel)
            for target_id, channel in (
                value.split(":", 1) for value in self.cleaned_data["actions"]
            )
        ]

    clean_country = SignForm.clean_country

    def clean_email(self):
        return SignForm.clean_email(self) if self.cleaned_data["email"].strip() else ""

    def clean_name(self):
        return clean_line(self.cleaned_data["name"])

    def clean_note(self):
        return self.cleaned_data["note"].replace("\r\n", "\n").strip()

    def clean(self):
        data = super().clean()
        personal = data.get("name") or data.get("email") or data.get("country")
        if personal and not data.get("consent"):
            self.add_error(
                "consent",
                _("Please tick this box, or leave your name, email and country empty."),
            )
        if data.get("wants_updates") and not data.get("email"):
            self.add_error("email", _("Please give your email address to receive updates."))
        return data


def action_choices(targets):
    """[("target_id:channel", label)] for the channels each target has."""
    choices = []
    for target in targets:
        kinds = list(dict.fromkeys(channel.kind for channel in target.channels.all()))
        choices.append(
            (
                target.name,
                [(f"{target.pk}:{kind}", ACTION_LABELS[kind]) for kind in kinds],
            )
        )
    return choices


class CosignForm(SignForm):
    """A person co-signing an open letter: a signature, with how to introduce them."""

    affiliation = forms.CharField(
        label=_("Title or affiliation (optional)"),
        required=False,
        max_length=200,
        help_text=_("For example: lawyer, Kabul; or a university. Shown only with your name."),
        error_messages={"max_length": _("Please shorten this to 200 characters.")},
    )
    consent = forms.BooleanField(
        label=_(
            "I co-sign this letter, and I agree that this organisation stores my name, email "
            "address and country to count and confirm my signature."
        ),
        error_messages={"required": _("Please tick this box to sign.")},
    )
    field_order = ["name", "affiliation", "email", "country"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["show_name"].label = _("Show my name publicly under the letter")
        self.fields["affiliation"].widget.attrs.update({"dir": "auto"})

    def clean_affiliation(self):
        return clean_line(self.cleaned_data["affiliation"])


LOGO_BYTES = 1_000_000
# Decoding costs memory by the pixel, whatever the file's size: 4 megapixels
# is about 16 MB, and far more than a logo shown at 40 pixels needs.
LOGO_PIXELS = 4_000_000
LOGO_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
LOGO_SIZE = (240, 240)


TRUNCATION = threading.Lock()


def whole(image):
    """Decodes image, refusing one cut short whatever the process set before
    (WeasyPrint, once imported, tells Pillow to accept truncated images)."""
    with TRUNCATION:
        accepted, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
        try:
            image.load()
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = accepted


def checked_logo(upload):
    """A small PNG made from an uploaded logo, or a ValidationError. Redrawing
    it drops whatever else the file held (metadata, scripts, a second image)."""
    if upload.size > LOGO_BYTES:
        raise forms.ValidationError(_("The logo is too large: please send a file under 1 MB."))
    unusable = forms.ValidationError(
        _("This file is not a logo we can use: please send a PNG, JPEG, GIF or WebP image.")
    )
    try:
        with Image.open(upload, formats=sorted(LOGO_FORMATS)) as image:
            if image.width * image.height > LOGO_PIXELS:
                raise forms.ValidationError(
                    _("The logo is too large: please send one under 2,000 by 2,000 pixels.")
                )
            whole(image)
            logo = ImageOps.exif_transpose(image).convert("RGBA")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise unusable from error
    logo.thumbnail(LOGO_SIZE)
    out = BytesIO()
    logo.save(out, "PNG", optimize=True)
    return out.getvalue()


class OrganisationForm(PublicForm):
    """An organisation asking to co-sign an open letter."""

    name_en = forms.CharField(label=_("Name in English"), required=False, max_length=200)
    name_fa = forms.CharField(label=_("Name in Dari"), required=False, max_length=200)
    name_ps = forms.CharField(label=_("Name in Pashto"), required=False, max_length=200)
    country = forms.CharField(
        label=_("Country where the organisation is based"),
        widget=CountrySelect,
        error_messages={"required": _("Please choose a country.")},
    )
    website = forms.URLField(
        label=_("Website (optional)"),
        required=False,
        max_length=300,
        assume_scheme="https",
        error_messages={"invalid": _("Please write a web address, like https://example.org.")},
    )
    logo = forms.FileField(
        label=_("Logo (optional)"),
        required=False,
        help_text=_("PNG, JPEG, GIF or WebP, under 1 MB. Shown small beside your name."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}
        ),
    )
    contact_name = forms.CharField(
        label=_("Contact person"),
        max_length=120,
        help_text=_("Not shown publicly."),
        error_messages={"required": _("Please write the name of a contact person.")},
    )
    email = forms.CharField(
        label=_("Contact's email address"),
        max_length=254,
        help_text=_(
            "We send a link to confirm. It is stored encrypted; only the organisers see it."
        ),
        error_messages={
            "required": _("Please write your email address."),
            "max_length": _("This email address is too long."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr", "maxlength": 254}),
    )
    wants_updates = forms.BooleanField(
        label=_("Email us updates about this letter"), required=False
    )
    consent = forms.BooleanField(
        label=_(
            "We co-sign this letter. Our organisation's name, country, website and logo may "
            "be published with it once the organisers approve them."
        ),
        error_messages={"required": _("Please tick this box to co-sign.")},
    )

    NAMES = ["name_en", "name_fa", "name_ps"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each name field is typed in its own language and direction.
        for field, language in zip(self.NAMES, ["en", "fa", "ps"], strict=True):
            direction = "ltr" if language == "en" else "rtl"
            self.fields[field].widget.attrs.update({"lang": language, "dir": direction})
        self.fields["contact_name"].widget.attrs.update({"dir": "auto", "autocomplete": "name"})
        self.fields["website"].widget.attrs.update({"dir": "ltr"})

    clean_country = SignForm.clean_country
    clean_email = SignForm.clean_email

    def clean_contact_name(self):
        name = clean_line(self.cleaned_data["contact_name"])
        if not name:
            raise forms.ValidationError(_("Please write the name of a contact person."))
        return name

    def clean_logo(self):
        upload = self.cleaned_data["logo"]
        return checked_logo(upload) if upload else None

    def clean(self):
        data = super().clean()
        for field in self.NAMES:
            data[field] = clean_line(data.get(field) or "")
        if not any(data[field] for field in self.NAMES):
            self.add_error(
                "name_en", _("Please write your organisation's name in at least one language.")
            )
        return data
