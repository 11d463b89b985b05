"""WSGI entry point for gunicorn in production."""

import os
import sys
from pathlib import Path

_source_root = str(Path(__file__).resolve().parents[1])
if _source_root not in sys.path:
    # platform/ is a source root, not a package (see ARCHITECTURE.md).
    sys.path.insert(0, _source_root)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
