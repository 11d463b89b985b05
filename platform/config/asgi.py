"""ASGI entry point: HTTP to Django, websockets to the realtime hub (origin-checked, session-authenticated)."""

import os
import sys
from pathlib import Path

_source_root = str(Path(__file__).resolve().parents[1])
if _source_root not in sys.path:
    # platform/ is a source root, not a package (see ARCHITECTURE.md).
    sys.path.insert(0, _source_root)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from realtime.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
