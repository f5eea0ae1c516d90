from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from participation.contributions import admin_views
from participation.contributions.permissions import can_moderate


@hooks.register("register_admin_urls")
def register_moderation_urls():
    return [
        path(
            "moderation/", include((admin_views.urlpatterns, "moderation"), namespace="moderation")
        )
    ]


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request):
        return can_moderate(request.user)


@hooks.register("register_admin_menu_item")
def register_moderation_menu_item():
    return ModeratorMenuItem(
        _("Moderation"),
        reverse_lazy("moderation:queue"),
        name="moderation",
        icon_name="comment",
        order=205,
    )
