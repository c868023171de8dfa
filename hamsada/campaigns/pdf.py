"""Letters as PDF, laid out by WeasyPrint: Pango shapes Dari and Pashto and
orders mixed-direction text, with the instance's own Vazirmatn font.

The layout runs in a process of its own (`python -m hamsada.campaigns.pdf`),
stopped after PDF_SECONDS: a letter crafted to be slow to lay out costs a
bounded time, and WeasyPrint's process-wide settings (it tells Pillow to
accept truncated images) never reach the web process."""

import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.template.loader import render_to_string

from hamsada.lib.text import direction

FONTS = Path(__file__).resolve().parent.parent / "static" / "hamsada" / "fonts"
PDF_SECONDS = 15


class PDFUnavailable(Exception):
    """This server lacks the system libraries that lay out PDFs (Pango)."""


class PDFTooSlow(Exception):
    """The layout took longer than PDF_SECONDS and was stopped."""


def own_font(url):
    """Whether url is one of our font files: decoded before it is checked, so
    that %2e%2e/ cannot climb out of the folder."""
    parts = urlsplit(url)
    return parts.scheme == "file" and Path(unquote(parts.path)).resolve().parent == FONTS


def letter_pdf(context):
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
    try:
        done = subprocess.run(
            [sys.executable, "-m", "hamsada.campaigns.pdf"],
            input=html.encode(),
            capture_output=True,
            timeout=PDF_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise PDFTooSlow from error
    if done.returncode == 3:
        raise PDFUnavailable(done.stderr.decode(errors="replace"))
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode(errors="replace")[-2000:])
    return done.stdout


def main():
    try:
        from weasyprint import HTML, URLFetcher  # noqa: PLC0415 - only in this process
    except OSError:
        sys.exit(3)  # no Pango here

    class OwnFontsOnly(URLFetcher):
        """The PDF may load our font files and nothing else: no other file, no network."""

        def fetch(self, url, headers=None):
            if not own_font(url):
                raise ValueError(f"not loaded while making a PDF: {url}")
            return super().fetch(url, headers)

    html = sys.stdin.buffer.read().decode()
    sys.stdout.buffer.write(HTML(string=html, url_fetcher=OwnFontsOnly()).write_pdf())


if __name__ == "__main__":
    main()
