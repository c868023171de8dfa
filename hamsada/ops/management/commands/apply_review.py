from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hamsada.ops import review


class Command(BaseCommand):
    help = (
        "Applies a review sheet a native speaker filled in: their translations to the "
        "catalog (that entry only, placeholders kept) and what they approved to "
        "hamsada/locale/<lang>/reviewed.json; then compiles the catalog."
    )

    def add_arguments(self, parser):
        parser.add_argument("sheet", help="the sheet, saved as CSV (UTF-8)")
        parser.add_argument(
            "--language", help="fa, ps, …; default: the one the sheet's columns name"
        )
        parser.add_argument(
            "--locale-dir", default=settings.LOCALE_PATHS[0], help="default: hamsada/locale"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change; change nothing"
        )
        parser.add_argument(
            "--no-compile", action="store_true", help="leave compiling to `make translations`"
        )

    def handle(self, *args, sheet, language, locale_dir, dry_run, no_compile, **options):
        try:
            report = review.apply_sheet(
                sheet, locale_dir, language, dry_run=dry_run, compile_mo=not no_compile
            )
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from None
        out = self.stdout.write
        name = review.LANGUAGE_NAMES.get(report.language, report.language)
        verb = "would change" if dry_run else "changed"
        out(f"{name}: {verb} {len(report.changed)}, approved as they are {len(report.approved)}")
        for entry_id, english, before, after in report.changed:
            out(f"\n{entry_id}  {english}")
            for form, old, new in zip(report.forms, before, after, strict=False):
                if old != new:
                    label = f" ({form})" if len(before) > 1 else ""
                    out(f"  was{label}: {old}\n  now{label}: {new}")
        for row, entry_id, reason in report.refused:
            out(f"\nrefused, row {row} ({entry_id or 'no id'}): {reason}")
        for row, entry_id, english, comment in report.comments:
            out(f"\ncomment, row {row} ({entry_id}  {english}):\n  {comment}")
        if report.refused:
            raise CommandError(
                f"{len(report.refused)} row(s) refused and left unchanged (see above); "
                + ("nothing written (dry run)" if dry_run else "the other rows were applied")
            )
