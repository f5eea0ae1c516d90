"""Registrations for the platform's own apps and for the third-party apps it installs.

Kept in one place because those apps (Django, allauth, Wagtail, taggit) cannot register
themselves; the platform's apps may move theirs into their own `privacy.py` later.
"""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from participation.accounts.privacy import OnDelete, plain, register
from participation.accounts.privacy.contributions import erase_contributions, export_contributions

# ---------------------------------------------------------------- accounts and Django auth

register(
    "accounts.Membership",
    "user",
    section="organisations",
    title=_("Organisations you act for"),
    on_delete=OnDelete.DELETE,
    fields=["organisation__name", "role", "created_at"],
)
register(
    "accounts.User_groups",
    "user",
    section="roles",
    title=_("Roles"),
    on_delete=OnDelete.DELETE,
    fields=["group__name"],
)
register(
    "accounts.User_user_permissions",
    "user",
    section="permissions",
    title=_("Permissions given to you directly"),
    on_delete=OnDelete.DELETE,
    fields=["permission__codename"],
)

# ---------------------------------------------------------------- what the person posted

register(
    "contributions.Contribution",
    "author",
    section="contributions",
    title=_("Submissions, comments, ideas and what was decided about them"),
    on_delete=OnDelete.PUBLIC_RECORD,
    export=export_contributions,
    erase=erase_contributions,
)
register(
    "contributions.Report",
    "reporter",
    section="reports",
    title=_("Posts you reported"),
    on_delete=OnDelete.ANONYMISE,
    fields=["contribution_id", "reason", "text", "created_at"],
    # The report still counts; what the person wrote in it goes.
    clear={"text": ""},
)
register(
    "contributions.AuditEntry",
    "actor",
    section="actions",
    title=_("What you did (the log)"),
    on_delete=OnDelete.ANONYMISE,
    fields=["contribution_id", "action", "reason", "created_at"],
)
register(
    "contributions.Contribution",
    "claimed_by",
    section="moderation_claims",
    title=_("Posts you held for moderation"),
    on_delete=OnDelete.STAFF_RECORD,
    fields=["kind", "claimed_until"],
)

# ---------------------------------------------------------------- hearings


def _export_attachments(user) -> list[dict]:
    from hearings.models import Attachment

    return [
        {
            "id": a.pk,
            "file_name": a.original_name,
            "content_type": a.content_type,
            "size": a.size,
            "submission": a.submission.reference if a.submission_id else None,
            "created_at": plain(a.created_at),
        }
        for a in Attachment.objects.filter(uploaded_by=user).select_related("submission")
    ]


def _erase_attachments(user) -> None:
    from hearings.models import Attachment

    # Uploaded for a preview and never sent: nobody else has any use for them.
    for attachment in Attachment.objects.filter(uploaded_by=user, submission=None):
        attachment.file.delete(save=False)
        attachment.delete()
    Attachment.objects.filter(uploaded_by=user).update(uploaded_by=None)


register(
    "hearings.Attachment",
    "uploaded_by",
    section="attachments",
    title=_("Files you uploaded"),
    on_delete=OnDelete.PUBLIC_RECORD,
    export=_export_attachments,
    erase=_erase_attachments,
)
register(
    "hearings.CampaignGroup",
    "confirmed_by",
    section="campaign_groups",
    title=_("Campaign groups you confirmed"),
    on_delete=OnDelete.STAFF_RECORD,
    fields=["label", "confirmed_at"],
)
register(
    "hearings.Export",
    "requested_by",
    section="hearing_exports",
    title=_("Exports you made"),
    on_delete=OnDelete.STAFF_RECORD,
    fields=["hearing__title", "format", "created_at"],
)

# ---------------------------------------------------------------- idea bank


def _erase_supports(user) -> None:
    from ideabank.models import Idea, Support

    idea_ids = list(Support.objects.filter(user=user).values_list("idea_id", flat=True))
    # The support stays counted but is nobody's: no account, no identity hash.
    Support.objects.filter(user=user).update(user=None, identity_hash=None)
    for idea in Idea.objects.filter(pk__in=idea_ids).annotate(n=Count("supports")):
        if idea.support_count != idea.n:
            Idea.objects.filter(pk=idea.pk).update(support_count=idea.n)


register(
    "ideabank.Support",
    "user",
    section="supports",
    title=_("Ideas you support"),
    on_delete=OnDelete.ANONYMISE,
    fields=["idea_id", "idea__public_title", "created_at"],
    erase=_erase_supports,
)
register(
    "ideabank.IdeaStatusChange",
    "changed_by",
    section="idea_status_changes",
    title=_("Idea statuses you set"),
    on_delete=OnDelete.STAFF_RECORD,
    fields=["idea_id", "status", "created_at"],
)


def _refuse_open311(user) -> None:
    from ideabank.models import Open311Client

    # check_may_delete_account refuses first; this only guards against a caller that skipped it.
    if Open311Client.objects.filter(account=user).exists():
        raise RuntimeError("An Open311 client posts as this account")


register(
    "ideabank.Open311Client",
    "account",
    section="open311_clients",
    title=_("Open311 clients posting as you"),
    on_delete=OnDelete.STAFF_RECORD,
    fields=["name", "is_active", "created_at"],
    erase=_refuse_open311,
)

# ---------------------------------------------------------------- notifications


def _export_follows(user) -> list[dict]:
    from participation.notifications.models import Follow

    rows = []
    for follow in Follow.objects.filter(user=user).select_related(
        "hearing", "idea", "topic", "area"
    ):
        target = follow.target
        name = getattr(target, "public_title", "") or getattr(target, "title", "") or str(target)
        rows.append(
            {
                "id": follow.pk,
                "kind": follow.kind,
                "what": name,
                "created_at": plain(follow.created_at),
            }
        )
    return rows


register(
    "notifications.Follow",
    "user",
    section="follows",
    title=_("What you follow"),
    on_delete=OnDelete.DELETE,
    export=_export_follows,
)
register(
    "notifications.NotificationSetting",
    "user",
    section="notification_settings",
    title=_("Notification settings"),
    on_delete=OnDelete.DELETE,
    fields=["kind", "frequency", "updated_at"],
)
register(
    "notifications.Notification",
    "user",
    section="notifications",
    title=_("Notifications to you"),
    on_delete=OnDelete.DELETE,
    fields=["kind", "hearing__title", "idea__public_title", "created_at", "sent_at"],
)

# ---------------------------------------------------------------- allauth


def _export_social_accounts(user) -> list[dict]:
    from allauth.socialaccount.models import SocialAccount

    rows = []
    for account in SocialAccount.objects.filter(user=user):
        secret = user.pid_hash or "\0"
        # ID-porten's `sub` is pairwise (one per service); a broker that sent the national
        # identity number as `sub` got the hash instead, which is never shown.
        uid = _("an identity hash is kept") if secret in account.uid else account.uid
        claims = {}
        for part in ("id_token", "userinfo"):
            for key, value in (account.extra_data.get(part) or {}).items():
                if secret not in str(value):
                    claims[f"{part}.{key}"] = plain(value)
        rows.append(
            {
                "id": account.pk,
                "provider": account.provider,
                "uid": str(uid),
                "claims": claims,
                "date_joined": plain(account.date_joined),
                "last_login": plain(account.last_login),
            }
        )
    return rows


def _export_authenticators(user) -> list[dict]:
    from allauth.mfa.models import Authenticator

    # That they exist, never their secrets.
    return list(
        Authenticator.objects.filter(user=user)
        .order_by("pk")
        .values("id", "type", "created_at", "last_used_at")
    )


register(
    "account.EmailAddress",
    "user",
    section="email_addresses",
    title=_("E-mail addresses"),
    on_delete=OnDelete.DELETE,
    fields=["email", "verified", "primary"],
)
register(
    "socialaccount.SocialAccount",
    "user",
    section="social_accounts",
    title=_("Logins through ID-porten and other providers"),
    on_delete=OnDelete.DELETE,
    export=_export_social_accounts,
)
register(
    "mfa.Authenticator",
    "user",
    section="authenticators",
    title=_("Two-step verification"),
    on_delete=OnDelete.DELETE,
    export=lambda user: [
        {k: plain(v) for k, v in row.items()} for row in _export_authenticators(user)
    ],
)

# ---------------------------------------------------------------- Wagtail and Django admin
# Staff records: what someone did as staff in the CMS. Kept without the person where the
# column may be empty (pages, revisions, logs, uploads), deleted where it may not.


def _staff(label, field_name, section, title, fields, on_delete=OnDelete.STAFF_RECORD):
    register(label, field_name, section=section, title=title, on_delete=on_delete, fields=fields)


_staff("wagtailcore.Page", "owner", "pages_owned", _("Pages you created"), ["title"])
_staff("wagtailcore.Page", "locked_by", "pages_locked", _("Pages you locked"), ["title"])
_staff(
    "wagtailcore.Revision", "user", "revisions", _("CMS revisions"), ["object_str", "created_at"]
)
_staff(
    "wagtailcore.ModelLogEntry",
    "user",
    "cms_log",
    _("CMS log entries"),
    ["label", "action", "timestamp"],
)
_staff(
    "wagtailcore.PageLogEntry",
    "user",
    "page_log",
    _("Page log entries"),
    ["label", "action", "timestamp"],
)
_staff("wagtailcore.UploadedFile", "uploaded_by_user", "cms_uploads", _("CMS uploads"), [])
_staff(
    "wagtailcore.WorkflowState",
    "requested_by",
    "workflows_requested",
    _("Moderation workflows you started"),
    ["status", "created_at"],
)
_staff(
    "wagtailcore.TaskState",
    "finished_by",
    "workflow_tasks",
    _("Workflow tasks you finished"),
    ["status", "finished_at"],
)
_staff(
    "wagtailcore.Comment",
    "user",
    "cms_comments",
    _("Comments on pages in the CMS"),
    ["text", "created_at"],
    OnDelete.DELETE,
)
_staff(
    "wagtailcore.Comment",
    "resolved_by",
    "cms_comments_resolved",
    _("CMS comments you resolved"),
    ["resolved_at"],
)
_staff(
    "wagtailcore.CommentReply",
    "user",
    "cms_comment_replies",
    _("Replies to comments in the CMS"),
    ["text", "created_at"],
    OnDelete.DELETE,
)
_staff(
    "wagtailcore.PageSubscription",
    "user",
    "page_subscriptions",
    _("CMS page subscriptions"),
    ["page__title", "comment_notifications"],
    OnDelete.DELETE,
)
_staff(
    "wagtailcore.APIToken",
    "user",
    "api_tokens",
    _("CMS API tokens"),
    ["name", "created", "last_used_at", "revoked_at"],
    OnDelete.DELETE,
)
_staff(
    "wagtailusers.UserProfile",
    "user",
    "cms_profile",
    _("CMS profile"),
    ["preferred_language", "current_time_zone"],
    OnDelete.DELETE,
)
_staff(
    "wagtaildocs.Document", "uploaded_by_user", "documents", _("Documents you uploaded"), ["title"]
)
_staff("wagtailimages.Image", "uploaded_by_user", "images", _("Images you uploaded"), ["title"])
_staff(
    "wagtailadmin.EditingSession",
    "user",
    "editing_sessions",
    _("CMS editing sessions"),
    ["last_seen_at"],
    OnDelete.DELETE,
)
_staff("wagtailadmin.FormState", "user", "form_states", _("Unsaved CMS forms"), [], OnDelete.DELETE)
_staff(
    "admin.LogEntry",
    "user",
    "admin_log",
    _("Django admin log entries"),
    ["action_time", "object_repr", "action_flag"],
    OnDelete.DELETE,
)

# ---------------------------------------------------------------- generic relations
# A GenericForeignKey can point at anything, a user included; rows about the user go.

for label in (
    "wagtailsearch.IndexEntry",
    "wagtailadmin.EditingSession",
    "wagtailadmin.FormState",
    "wagtailcore.Revision",
    "wagtailcore.WorkflowState",
    "taggit.TaggedItem",
):
    register(
        label,
        "content_object",
        section=f"about_you_{label.lower().replace('.', '_')}",
        title=_("Records about your account"),
        on_delete=OnDelete.DELETE,
        generic=True,
    )
