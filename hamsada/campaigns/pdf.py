"""Letters as PDF, laid out by WeasyPrint: Pango shapes Dari and Pashto and
orders mixed-direction text, with the instance's own Vazirmatn font."""

from pathlib import Path
from urllib.parse import urlsplit

from django.template.loader import render_to_string

from hamsada.lib.text import direction

FONTS = Path(__file__).resolve().parent.parent / "static" / "hamsada" / "fonts"


class PDFUnavailable(Exception):
    """This server lacks the system libraries that lay out PDFs (Pango)."""


def letter_pdf(context):
    # Imported here so that a server without Pango still serves every page.
    try:
        from weasyprint import HTML, URLFetcher  # noqa: PLC0415
    except OSError as error:
        raise PDFUnavailable from error

    class OwnFontsOnly(URLFetcher):
        """The PDF may load our font files and nothing else: no other file, no network."""

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme != "file" or Path(parts.path).resolve().parent != FONTS:
                raise ValueError(f"not loaded while making a PDF: {url}")
            return super().fetch(url, headers)

    letter = context["letter"]
    html = render_to_string(
        "campaigns/letter.pdf.html",
        {
            **context,
            "lines": letter.split("\n"),
            "letter_direction": direction(letter, context["direction"]),
            "fonts": FONTS.as_uri(),
        },
    )
    return HTML(string=html, url_fetcher=OwnFontsOnly()).write_pdf()
