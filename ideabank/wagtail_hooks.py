"""The idea bank in the Wagtail admin: ideas (status, answer, merge), topics, places, areas."""

from django.core.exceptions import ValidationError
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from shapely.geometry import shape
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from ideabank import admin_views
from ideabank.models import Place, Topic
from ideabank.permissions import can_answer
from participation.geo.models import Area
from participation.geo.operations import InvalidGeometry, check_area_geometry


@hooks.register("register_admin_urls")
def register_admin_urls():
    urls = [
        path("", admin_views.idea_index, name="index"),
        path("<int:pk>/", admin_views.set_status, name="status"),
        path("<int:pk>/merge/", admin_views.merge, name="merge"),
    ]
    return [path("ideer/", include((urls, "ideabank_admin"), namespace="ideabank_admin"))]


class PlannerMenuItem(MenuItem):
    def is_shown(self, request):
        return can_answer(request.user)


@hooks.register("register_admin_menu_item")
def register_ideas_menu_item():
    return PlannerMenuItem(_("Ideas"), reverse("ideabank_admin:index"), icon_name="pick", order=250)


class AreaForm(WagtailAdminModelForm):
    def clean_geometry(self):
        geometry = self.cleaned_data["geometry"]
        try:
            check_area_geometry(geometry)
        except InvalidGeometry as exc:
            raise ValidationError(str(exc)) from None
        return geometry

    def clean(self):
        data = super().clean()
        if data.get("geometry") and "geometry" not in self.errors:
            # The bounding box is derived, never typed: it must match the polygon.
            min_lon, min_lat, max_lon, max_lat = shape(data["geometry"]).bounds
            self.instance.min_lat, self.instance.max_lat = min_lat, max_lat
            self.instance.min_lon, self.instance.max_lon = min_lon, max_lon
        return data


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("Topics")
    list_display = ["name", "slug", "official"]
    list_filter = ["official"]
    search_fields = ["name"]
    copy_view_enabled = False
    edit_handler = ObjectList([FieldPanel("name"), FieldPanel("slug"), FieldPanel("official")])


class PlaceViewSet(SnippetViewSet):
    model = Place
    icon = "site"
    menu_label = _("Places for the place search")
    list_display = ["name", "kind", "lat", "lon"]
    search_fields = ["name"]
    copy_view_enabled = False
    edit_handler = ObjectList(
        [FieldPanel("name"), FieldPanel("kind"), FieldPanel("lat"), FieldPanel("lon")]
    )


class AreaViewSet(SnippetViewSet):
    model = Area
    icon = "globe"
    menu_label = _("Areas")
    list_display = ["name", "kind", "slug"]
    search_fields = ["name"]
    copy_view_enabled = False
    edit_handler = ObjectList(
        [FieldPanel("name"), FieldPanel("slug"), FieldPanel("kind"), FieldPanel("geometry")],
        base_form_class=AreaForm,
    )


class IdeaBankGroup(SnippetViewSetGroup):
    menu_label = _("Idea bank")
    menu_icon = "pick"
    menu_order = 260
    items = (TopicViewSet, PlaceViewSet, AreaViewSet)


register_snippet(IdeaBankGroup)
