"""The staff privacy page in the Wagtail admin: retention rules, and who read which original.

For editors and administrators (superusers): editors run the site and answer residents'
privacy questions; the log shows every time staff opened the text as written (unredacted)
or an attachment, so that such reading can be overseen. Staff cannot open another person's
export: there is no such page.
"""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.urls import path

from participation.accounts.models import PrivacySettings
from participation.accounts.permissions import is_editor
from participation.accounts.privacy.retention import unverified_accounts
from participation.contributions.models import AuditEntry

PAGE_SIZE = 50


def can_view_privacy_admin(user) -> bool:
    return user.is_authenticated and (user.is_superuser or is_editor(user))


def overview(request):
    if not can_view_privacy_admin(request.user):
        raise PermissionDenied
    rules = PrivacySettings.load(request_or_site=request)
    views = (
        AuditEntry.objects.filter(action="viewed_original")
        .select_related("actor", "contribution", "contribution__discussion")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(views, PAGE_SIZE).get_page(request.GET.get("p"))
    return TemplateResponse(
        request,
        "accounts/privacy_admin.html",
        {
            "rules": rules,
            "may_edit_rules": request.user.has_perm("accounts.change_privacysettings"),
            "unverified_due": unverified_accounts(rules.unverified_account_days).count()
            if rules.unverified_account_days
            else 0,
            "page": page,
        },
    )


urlpatterns = [path("", overview, name="overview")]
