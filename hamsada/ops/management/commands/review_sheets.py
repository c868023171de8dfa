from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hamsada.ops import review


class Command(BaseCommand):
    help = (
        "Writes a sheet per language for native speakers to review every translation: "
        "hamsada/locale/<lang>/review.csv (`make messages` runs it)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--language", action="append", help="fa, ps, … (repeatable; default: every catalog)"
        )
        parser.add_argument(
            "--locale-dir", default=settings.LOCALE_PATHS[0], help="default: hamsada/locale"
        )
        parser.add_argument(
            "--glossary",
            default=settings.BASE_DIR / "docs" / "glossary.md",
            help="the glossary's table, for the words each entry should use",
        )

    def handle(self, *args, language, locale_dir, glossary, **options):
        available = review.languages(locale_dir)
        for code in language or []:
            if code not in available:
                raise CommandError(f"no catalog for {code!r} in {locale_dir}")
        concepts = review.read_glossary(glossary)
        for code in language or available:
            path, count, new = review.write_sheet(locale_dir, code, concepts)
            self.stdout.write(
                f"{path}: {count} entries, {new} new or changed since their last review"
            )
