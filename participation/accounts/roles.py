"""Staff roles as groups. Other apps add the model permissions their role needs here."""

from django.conf import settings
from django.contrib.auth.models import Group, Permission

# role -> (app_label, codename) pairs; every staff role may open the Wagtail admin.
ROLE_PERMISSIONS: dict[str, list[tuple[str, str]]] = {
    "planner": [
        ("wagtailadmin", "access_admin"),
        # Planners register the organisations that send submissions, and who speaks for them.
        *[
            ("accounts", f"{action}_{model}")
            for model in ("organisation", "membership")
            for action in ("add", "change", "delete", "view")
        ],
        # The idea bank: the topic list, the place search's gazetteer and the areas; ideas are
        # answered and merged through ideabank's admin views (planner role, not model perms).
        *[
            (app, f"{action}_{model}")
            for app, model in (("ideabank", "topic"), ("ideabank", "place"), ("geo", "area"))
            for action in ("add", "change", "delete", "view")
        ],
        ("ideabank", "view_idea"),
        ("ideabank", "change_idea"),
        # Planners open hearings and edit their settings; deleting one would lose a case record.
        *[("hearings", f"{action}_hearing") for action in ("add", "change", "view")],
    ],
    "moderator": [("wagtailadmin", "access_admin"), ("ideabank", "view_idea")],
    "editor": [
        ("wagtailadmin", "access_admin"),
        ("wagtailimages", "add_image"),
        ("wagtailimages", "change_image"),
        ("wagtaildocs", "add_document"),
        ("wagtaildocs", "change_document"),
        # Krisemodus: the editor switches the front page to the crisis page.
        ("cms", "change_crisissettings"),
    ],
    "politician": [],
}

# role -> Wagtail page permissions on the whole page tree. Planners create, edit and publish the
# plan page a hearing belongs to; cms/wagtail_hooks.py keeps them to plan pages.
ROLE_PAGE_PERMISSIONS: dict[str, list[str]] = {
    "planner": ["add_page", "change_page", "publish_page"],
}


def ensure_roles() -> dict[str, Group]:
    """Create the role groups and grant their permissions; safe to run any number of times."""
    groups = {}
    for role in settings.ROLE_GROUPS:
        group, _ = Group.objects.get_or_create(name=role)
        wanted = ROLE_PERMISSIONS.get(role, [])
        perms = [
            p
            for app_label, codename in wanted
            for p in Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        ]
        group.permissions.add(*perms)
        _grant_page_permissions(group, ROLE_PAGE_PERMISSIONS.get(role, []))
        groups[role] = group
    return groups


def _grant_page_permissions(group: Group, codenames: list[str]) -> None:
    from wagtail.models import GroupPagePermission, Page

    root = Page.get_first_root_node()
    if root is None or not codenames:
        return
    for permission in Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=codenames
    ):
        GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)
