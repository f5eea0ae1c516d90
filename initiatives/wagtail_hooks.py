"""Citizen initiatives in the Wagtail admin: a menu item for planners, the list and detail."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from initiatives import admin_views
from initiatives.permissions import can_handle


@hooks.register("register_admin_urls")
def register_admin_urls():
    urls = [
        path("", admin_views.index, name="index"),
        path("<int:pk>/", admin_views.detail, name="detail"),
        path("<int:pk>/status/", admin_views.change_status, name="status"),
        path("<int:pk>/export.<str:fmt>", admin_views.export, name="export"),
    ]
    return [
        path(
            "innbyggerforslag/",
            include((urls, "initiatives_admin"), namespace="initiatives_admin"),
        )
    ]


class PlannerMenuItem(MenuItem):
    def is_shown(self, request):
        return can_handle(request.user)


@hooks.register("register_admin_menu_item")
def register_initiatives_menu_item():
    return PlannerMenuItem(
        _("Citizen initiatives"),
        reverse("initiatives_admin:index"),
        icon_name="group",
        order=255,
    )
