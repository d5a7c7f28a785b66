"""The `phongdich` command: Django's management commands with the project's settings.

phongdich serve                     production server (gunicorn) on 127.0.0.1:8000
phongdich demo [--scale S --seed N] build the demo province
phongdich places load --province 74 --structure legacy
phongdich places import-population FILE [--year 2019]
phongdich backup [--dir DIR]          a verified, checksummed backup while serving
phongdich restore FILE --to URL       into a new database
phongdich migrate | createsuperuser | …   any other management command
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phongdich.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
