#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")
    from django.core.management import execute_from_command_line

    if sys.argv[1:2] not in (["runserver"], []):
        # Commands (imports, migrations, feed syncs) may run long statements; the web's limit is short.
        import django

        django.setup()
        from partnership.db import use_background_statement_timeout

        use_background_statement_timeout()
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
