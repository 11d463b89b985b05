#!/usr/bin/env python
"""Django's command-line utility; puts the platform/ source root on the import path first."""

import os
import sys
from pathlib import Path


def main() -> None:
    source_root = str(Path(__file__).resolve().parent / "platform")
    if source_root not in sys.path:
        # platform/ is a source root, not a package: appending (not prepending)
        # keeps the standard library's `platform` module importable.
        sys.path.insert(1, source_root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
