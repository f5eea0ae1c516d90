"""Planners work on plan pages only: Wagtail's page permissions are per place in the tree, not
per page type, so a planner who may add and edit pages (participation/accounts/roles.py) is
refused every page that is not a plan page here. Editors and administrators are not limited."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from wagtail import hooks

from cms.models import PlanPage
from participation.accounts.permissions import is_editor, is_planner


def is_limited_to_plan_pages(user) -> bool:
    return is_planner(user) and not is_editor(user) and not user.is_superuser


def _refuse_unless_plan_page(request, page_class) -> None:
    if is_limited_to_plan_pages(request.user) and not issubclass(page_class, PlanPage):
        raise PermissionDenied(_("Planners may create and edit plan pages only."))


@hooks.register("before_create_page")
def planners_create_plan_pages_only(request, parent_page, page_class):
    _refuse_unless_plan_page(request, page_class)
    # Their permission is on the tree root, but a page there is under no site (no address).
    if is_limited_to_plan_pages(request.user) and parent_page.is_root():
        raise PermissionDenied(_("Planners may create and edit plan pages only."))


@hooks.register("before_edit_page")
def planners_edit_plan_pages_only(request, page):
    _refuse_unless_plan_page(request, page.specific_class)


@hooks.register("before_delete_page")
def planners_delete_plan_pages_only(request, page):
    _refuse_unless_plan_page(request, page.specific_class)


@hooks.register("before_copy_page")
def planners_copy_plan_pages_only(request, page):
    _refuse_unless_plan_page(request, page.specific_class)


@hooks.register("before_move_page")
def planners_move_plan_pages_only(request, page, destination):
    _refuse_unless_plan_page(request, page.specific_class)
