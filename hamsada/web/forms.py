from django import forms
from django.utils.translation import gettext_lazy as _

from hamsada.lib.text import clean_line, clean_text
from hamsada.participation.forms import PublicForm
from hamsada.tally.receipts import normalise


class LetterChoices(PublicForm):
    """Which official a letter is for, and in which of the campaign's languages."""

    target = forms.TypedChoiceField(
        label=_("Write to"),
        coerce=int,
        error_messages={
            "required": _("Please choose whom to write to."),
            "invalid_choice": _("Please choose from the list."),
        },
    )
    language = forms.ChoiceField(
        label=_("Language of the letter"),
        error_messages={"invalid_choice": _("Please choose from the list.")},
    )

    def __init__(self, *args, targets, languages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = languages
        self.targets = {target.pk: target for target in targets}
        self.fields["target"].choices = [
            (target.pk, f"{target.name} · {target.title}" if target.title else target.name)
            for target in targets
        ]

    def clean_target(self):
        return self.targets[self.cleaned_data["target"]]


class WriteForm(LetterChoices):
    """Chooses the official to write to and fills in the supporter's details.
    Sent with GET: nothing is stored, and the filled letter has its own address."""

    name = forms.CharField(
        label=_("Your name, to sign the letter (optional)"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name", "dir": "auto"}),
        error_messages={"max_length": _("Please shorten your name to 120 characters.")},
    )
    city = forms.CharField(
        label=_("Your city (optional)"),
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2", "dir": "auto"}),
        error_messages={"max_length": _("Please shorten the city to 80 characters.")},
    )

    def clean_name(self):
        return clean_line(self.cleaned_data["name"])

    def clean_city(self):
        return clean_line(self.cleaned_data["city"])


MAX_LETTER_LINES = 300


class LetterForm(LetterChoices):
    """The letter as the supporter left it, to lay out as a PDF. Not stored."""

    subject = forms.CharField(
        required=False,
        max_length=300,
        error_messages={"max_length": _("Please shorten the subject to 300 characters.")},
    )
    letter = forms.CharField(
        max_length=10000,
        error_messages={
            "required": _("The letter is empty."),
            "max_length": _("Please shorten the letter to 10,000 characters."),
        },
    )

    def clean_letter(self):
        letter = clean_text(self.cleaned_data["letter"]).replace("\r\n", "\n")
        # Each line is laid out on its own: many short ones cost far more than
        # their characters (5,000 lines took 2.8 s of CPU).
        if letter.count("\n") >= MAX_LETTER_LINES:
            raise forms.ValidationError(_("Please keep the letter to 300 lines."))
        return letter

    def clean_subject(self):
        return clean_line(self.cleaned_data["subject"])


class ReceiptForm(PublicForm):
    receipt = forms.CharField(
        label=_("Your receipt code"),
        max_length=60,
        help_text=_("20 letters and digits, as on your thanks page or in your email."),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_receipt(self):
        code = self.cleaned_data["receipt"]
        if normalise(code) is None:
            raise forms.ValidationError(
                _("A receipt code has 20 letters and digits, like 7KQ2-M9XD-3F8H-TW4B-N6CR.")
            )
        return code
