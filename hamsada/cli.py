"""The `hamsada` command: Django's manage.py, under the project's name."""

import os
import sys


def main():
    if sys.argv[1:2] and not sys.argv[1].startswith("-"):
        # `hamsada rotate-key` for Django's rotate_key, and so on.
        sys.argv[1] = sys.argv[1].replace("-", "_")
    if sys.argv[1:2] == ["verify"]:
        # Offline and without settings: a snapshot file is all it needs.
        from hamsada.snapshots.verify import main as verify  # noqa: PLC0415

        sys.exit(verify(sys.argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamsada.settings")
    # After the settings module is named; `hamsada verify` never loads Django.
    from django.core.management import execute_from_command_line  # noqa: PLC0415

    execute_from_command_line([os.path.basename(sys.argv[0]) or "hamsada", *sys.argv[1:]])


if __name__ == "__main__":
    main()
