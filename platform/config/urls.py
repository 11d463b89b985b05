"""URL configuration: platform pages, accounts, admins, then Wagtail's page tree as the catch-all."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import views

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("styleguide/", views.styleguide, name="styleguide"),
    path("sprache/", set_language, name="set_language"),
    path(settings.DJANGO_ADMIN_PATH, admin.site.urls),
    path(settings.WAGTAIL_ADMIN_PATH, include(wagtailadmin_urls)),
    path("dokumente/", include(wagtaildocs_urls)),
    path("konto/benachrichtigungen/", include("notifications.settings_urls")),
    path("konto/", include("community.urls")),
    path("mitglieder/", include("community.member_urls")),
    path("konto/", include("allauth.urls")),
    path("benachrichtigungen/", include("notifications.urls")),
    path("foren/", include("forums.urls")),
    path("chat/", include("forums.chat_urls", namespace="chat")),
    path("", include("courses.urls")),
    path("", include("videothek.urls")),
    path("aktionen/", views.placeholder, {"section": "actions"}, name="actions_placeholder"),
    path("regionen/", views.placeholder, {"section": "regions"}, name="regions_placeholder"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    # Forum uploads are served only by their permission-checked view (/foren/dateien/...), never as media.
    urlpatterns += [path(f"{settings.MEDIA_URL.lstrip('/')}forum-uploads/<path:rest>", views.not_found)]
    # Uploaded videos (wagtailmedia keeps them in media/) only through videothek:media, which checks the page.
    urlpatterns += [path(f"{settings.MEDIA_URL.lstrip('/')}media/<path:rest>", views.not_found)]
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
