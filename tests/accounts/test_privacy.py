"""Privacy self-service: the registry covers every link to a person, the export shows it all,
and deleting the account leaves nothing of the person but their published posts."""

import json
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from hearings.models import Attachment
from hearings.operations import do_submit
from ideabank import operations as ideas
from ideabank.models import Idea, Support
from participation.accounts import operations
from participation.accounts.privacy import entries, lookup
from participation.accounts.privacy.export import build_export
from participation.contributions.models import AuditEntry, Comment, Contribution, Report
from participation.contributions.moderation import do_reject, do_report
from participation.contributions.operations import do_create_comment
from participation.live.models import Event
from participation.notifications.models import Follow, Notification, NotificationSetting
from tests.conftest import PASSWORD

NAME = "Ingeborg Privatsen"
EMAIL = "ingeborg.privat@example.org"
PID_HASH = "f" * 20 + "0123456789abcdef" * 2 + "e" * 12


def user_links():
    """(model label, field name, generic?) of every field in every model that points at a user.

    Inherited fields are reported once, on the model that declares them; proxies share their
    concrete model's table.
    """
    User = get_user_model()
    found = set()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy:
            continue
        for field in model._meta.get_fields(include_hidden=True):
            if isinstance(field, GenericForeignKey):
                found.add((field.model._meta.label, field.name, True))
            elif (
                field.concrete
                and field.is_relation
                and field.related_model is User
                and not field.many_to_many
            ):
                found.add((field.model._meta.label, field.name, False))
            elif field.many_to_many and field.concrete and field.related_model is User:
                # Covered by its through table's foreign key, walked as its own model.
                through = field.remote_field.through
                assert through in apps.get_models(include_auto_created=True), through
    return found


def test_every_field_that_points_at_a_user_is_registered_for_export_and_deletion(db):
    missing = [
        f"{label}.{name}" + (" (generic)" if generic else "")
        for label, name, generic in sorted(user_links())
        if lookup(label, name) is None
    ]
    assert not missing, (
        "These fields point at a user but are not in the privacy registry: "
        + ", ".join(missing)
        + ". Register each in the app's privacy.py with "
        "participation.accounts.privacy.register(label, field, section=..., title=..., "
        "on_delete=OnDelete...) and say what the export shows and what deleting does "
        "(see the top of participation/accounts/privacy/__init__.py)."
    )


def test_nothing_is_registered_that_does_not_point_at_a_user(db):
    links = {(label.lower(), name) for label, name, _generic in user_links()}
    stale = [f"{e.model_label}.{e.field}" for e in entries() if e.key not in links]
    assert not stale, f"Registered but not a link to a user (renamed or removed?): {stale}"


# ---------------------------------------------------------------- a person with everything


@pytest.fixture
def make_hearing(db):
    """An open hearing that takes submissions from e-mail accounts."""
    from datetime import timedelta

    from hearings.models import IdentityLevel
    from hearings.operations import do_create_hearing

    counter = iter(range(1, 1000))

    def make():
        n = next(counter)
        now = timezone.now()
        return do_create_hearing(
            title=f"Plan {n}",
            case_number=f"2026/{500 + n}",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=41),
            identity_level=IdentityLevel.EMAIL,
            is_published=True,
        )

    return make


@pytest.fixture
def files(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


@pytest.fixture
def person(make_user):
    user = make_user(email=EMAIL, name=NAME)
    user.pid_hash = PID_HASH
    user.assurance_level = "substantial"
    user.save()
    return user


@pytest.fixture
def moderator(make_user):
    return make_user(email="mod@example.org", name="Mona Moderator", roles=["moderator"])


def attach(user, submission=None, name="brev.pdf"):
    attachment = Attachment(
        submission=submission,
        uploaded_by=user,
        token=f"tok-{name}-{user.pk}-{submission.pk if submission else 0}",
        original_name=name,
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
    )
    attachment.file.save(name, ContentFile(b"%PDF-1.4\n"), save=False)
    attachment.save()
    return attachment


@pytest.fixture
def everything(
    person, moderator, make_user, make_hearing, files, django_capture_on_commit_callbacks
):
    """The person has posted, supported, followed, reported and logged in."""
    other = make_user(email="ola@example.org", name="Ola Annen")
    hearing = make_hearing()
    with django_capture_on_commit_callbacks(execute=True):
        published, _ = do_submit(person, hearing, "Vi trenger fortau langs skoleveien.")
        pending, _ = do_submit(person, hearing, "Et utkast jeg sendte for tidlig.")
    Contribution.objects.filter(pk=published.pk).update(state="published")
    Contribution.objects.filter(pk=pending.pk).update(state="pending", published_at=None)
    published.refresh_from_db()
    kept_file = attach(person, published, "kept.pdf")
    gone_file = attach(person, pending, "gone.pdf")
    loose_file = attach(person, None, "loose.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        rejected_comment, _ = do_create_comment(person, hearing.discussion, "Dette er sint tekst.")
        other_idea, _ = ideas.do_post_idea(other, title="Benker i parken", body="Flere benker.")
        my_idea, _ = ideas.do_post_idea(person, title="Min avviste idé", body="Noe privat.")
    # Someone replied to the comment before it was rejected.
    reply, _ = do_create_comment(other, hearing.discussion, "Svar til deg", parent=rejected_comment)
    with django_capture_on_commit_callbacks(execute=True):
        do_reject(moderator, rejected_comment, "offensive", "Hold en saklig tone.")
        do_reject(moderator, my_idea, "spam")
        ideas.do_support(person, other_idea)
        do_report(person, reply, "spam", "Dette er reklame fra naboen min.")
    Follow.objects.create(user=person, hearing=hearing)
    Follow.objects.create(user=person, idea=other_idea)
    NotificationSetting.objects.create(user=person, kind="reply", frequency="daily")
    Notification.objects.create(user=person, kind="reply", key="reply-1", hearing=hearing)
    SocialAccount.objects.create(
        user=person,
        provider="idporten",
        uid="pairwise-sub-123",
        extra_data={"id_token": {"sub": "pairwise-sub-123", "acr": "idporten-loa-substantial"}},
    )
    Authenticator.objects.create(user=person, type="totp", data={"secret": "SECRET"})
    # A signature on an initiative the council has decided: part of the council's case.
    from initiatives.models import Signature

    signed = _initiative(other, status="decided")
    Signature.objects.create(initiative=signed, user=person, identity_hash=PID_HASH, name=NAME)
    return {
        "hearing": hearing,
        "published": published,
        "pending": pending,
        "rejected_comment": rejected_comment,
        "reply": reply,
        "my_idea": my_idea,
        "other_idea": other_idea,
        "files": {"kept": kept_file, "gone": gone_file, "loose": loose_file},
    }


def dump_database() -> list[tuple[str, str, dict]]:
    """Every row of every table as (table, text of the row, row as a dict)."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [c[0] for c in cursor.description]
            for values in cursor.fetchall():
                row = dict(zip(columns, values, strict=True))
                rows.append((table, " ".join(str(v) for v in values), row))
    return rows


def test_deleting_the_account_leaves_nothing_but_published_posts_under_the_published_name(
    client, person, everything, django_capture_on_commit_callbacks
):
    client.force_login(person)
    assert Session.objects.count() == 1
    user_id = person.pk
    published = everything["published"]
    with django_capture_on_commit_callbacks(execute=True):
        operations.do_delete_account(person)

    published_ids = set(Contribution.objects.filter(state="published").values_list("pk", flat=True))
    contribution_table = Contribution._meta.db_table
    for table, text, row in dump_database():
        assert EMAIL not in text, (table, row)
        assert PID_HASH not in text, (table, row)
        if NAME in text:
            # Allowed: the published name on a published post, the live event that
            # announced it to readers, and the name on a signature. Nowhere else.
            if table == contribution_table:
                assert row["id"] in published_ids and row["author_name"] == NAME, row
                assert NAME not in text.replace(NAME, "", 1), row
            elif table == "initiatives_signature":
                # The name a signature was given with is part of the council's case.
                assert row["name"] == NAME and row["user_id"] is None, row
            elif table == Event._meta.db_table:
                payload = row["payload"]
                payload = json.loads(payload) if isinstance(payload, str) else payload
                assert payload["contribution_id"] in published_ids, row
            else:
                raise AssertionError(f"The name is still in {table}: {row}")
    # No column that points at a user points at the deleted one.
    User = get_user_model()
    user_ct = ContentType.objects.get_for_model(User)
    for label, name, generic in user_links():
        model = apps.get_model(label)
        if generic:
            gfk = model._meta.get_field(name)
            lookup_ = {gfk.ct_field: user_ct, gfk.fk_field: str(user_id)}
        else:
            lookup_ = {model._meta.get_field(name).attname: user_id}
        assert not model._base_manager.filter(**lookup_).exists(), (label, name)
    assert not Session.objects.exists()

    # What stays: the published submission, without the link, and its attachment.
    published.refresh_from_db()
    assert published.author_id is None
    assert published.author_name == NAME
    assert Attachment.objects.filter(pk=everything["files"]["kept"].pk, uploaded_by=None).exists()
    assert everything["files"]["kept"].file.storage.exists(everything["files"]["kept"].file.name)
    # What goes: every post that is not public, with its files.
    for key in ("pending", "rejected_comment", "my_idea"):
        assert not Contribution.objects.filter(pk=everything[key].pk).exists(), key
    for key in ("gone", "loose"):
        attachment = everything["files"][key]
        assert not Attachment.objects.filter(pk=attachment.pk).exists()
        assert not attachment.file.storage.exists(attachment.file.name)
    # Others' posts are untouched: the reply moves up to the top of the thread.
    reply = Comment.objects.get(pk=everything["reply"].pk)
    assert reply.parent_id is None
    # The support still counts, for nobody; the report still counts, without its text.
    idea = Idea.objects.get(pk=everything["other_idea"].pk)
    assert idea.support_count == 1
    support = Support.objects.get(idea=idea)
    assert support.user_id is None and support.identity_hash is None
    report = Report.objects.get(contribution=everything["reply"])
    assert report.reporter_id is None and report.text == ""


def test_a_withheld_name_stays_withheld_after_the_account_is_deleted(person, make_hearing):
    hearing = make_hearing()
    submission, _ = do_submit(person, hearing, "Hemmelig avsender.", name_withheld_requested=True)
    Contribution.objects.filter(pk=submission.pk).update(state="published")
    type(submission).objects.filter(pk=submission.pk).update(name_withheld=True)
    operations.do_delete_account(person)
    submission.refresh_from_db()
    assert submission.author_id is None
    with translation.override("en"):
        assert submission.public_name == "Name withheld"


def test_an_open311_client_account_cannot_be_deleted_by_its_owner(person):
    from ideabank.models import Open311Client

    Open311Client.objects.create(name="App", api_key_hash="a" * 64, account=person)
    with pytest.raises(operations.AccountDeletionRefused):
        operations.do_delete_account(person)
    assert get_user_model().objects.filter(pk=person.pk).exists()


def test_the_export_shows_every_kind_of_row_the_person_has(person, everything):
    with translation.override("en"):
        data = build_export(person)
    sections = {s["key"]: s["rows"] for s in data["sections"]}
    account = data["account"]
    assert account["email"] == EMAIL and account["name"] == NAME
    assert account["identity"] == "an identity hash is kept"
    assert PID_HASH not in json.dumps(data)
    assert "SECRET" not in json.dumps(data)
    contributions = {row["id"]: row for row in sections["contributions"]}
    assert set(contributions) == {
        everything[k].pk for k in ("published", "pending", "rejected_comment", "my_idea")
    }
    rejected = contributions[everything["rejected_comment"].pk]
    assert rejected["state"] == "rejected"
    assert rejected["rejection_note"] == "Hold en saklig tone."
    assert "rejected" in [d["action"] for d in rejected["decisions"]]
    pending = contributions[everything["pending"].pk]
    assert pending["attachments"][0]["file_name"] == "gone.pdf"
    assert [r["idea_id"] for r in sections["supports"]] == [everything["other_idea"].pk]
    followed = {(r["kind"], r["what"]) for r in sections["follows"]}
    assert {("hearing", everything["hearing"].title), ("idea", "Benker i parken")} <= followed
    assert sections["reports"][0]["text"] == "Dette er reklame fra naboen min."
    assert sections["email_addresses"][0]["email"] == EMAIL
    assert sections["social_accounts"][0]["uid"] == "pairwise-sub-123"
    assert sections["authenticators"][0]["type"] == "totp"
    assert sections["notification_settings"][0]["frequency"] == "daily"
    assert sections["notifications"][0]["kind"] == "reply"


def test_a_social_account_uid_made_from_the_identity_hash_is_not_exported(person):
    SocialAccount.objects.create(
        user=person,
        provider="idporten",
        uid=f"hmac-pid:{PID_HASH}",
        extra_data={"id_token": {"sub": f"hmac-pid:{PID_HASH}", "acr": "x"}},
    )
    with translation.override("en"):
        data = build_export(person)
    assert PID_HASH not in json.dumps(data)
    rows = {s["key"]: s["rows"] for s in data["sections"]}["social_accounts"]
    assert rows[0]["uid"] == "an identity hash is kept"


# ---------------------------------------------------------------- one row of every kind


def _initiative(author, **fields):
    from initiatives.models import Initiative
    from participation.contributions.models import Discussion

    discussion = Discussion.objects.create(kind="initiative", title="Forslag")
    return Initiative.objects.create(
        kind="initiative",
        discussion=discussion,
        author=author,
        author_name=author.display_name,
        body="Forslaget.",
        title="Forslag",
        justification="Fordi.",
        **fields,
    )


def _signature(user, other):
    from initiatives.models import Signature

    return Signature.objects.create(
        initiative=_initiative(other), user=user, identity_hash="c" * 64, name="Signert"
    )


def _row_factories(user, other, hearing):
    """One row per registered field, pointing at `user`."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth.models import Group, Permission
    from taggit.models import Tag, TaggedItem
    from wagtail.admin.models import EditingSession
    from wagtail.documents.models import Document
    from wagtail.images.models import Image
    from wagtail.models import (
        Comment as PageComment,
    )
    from wagtail.models import (
        CommentReply,
        ModelLogEntry,
        Page,
        PageLogEntry,
        PageSubscription,
        Revision,
        Task,
        TaskState,
        UploadedFile,
        Workflow,
        WorkflowState,
    )
    from wagtail.users.models import UserProfile

    from hearings.models import CampaignGroup, Export
    from ideabank.models import IdeaStatusChange, Open311Client
    from participation.accounts.models import Membership, Organisation

    user_ct = ContentType.objects.get_for_model(type(user))
    root = Page.get_first_root_node()
    cache = {}

    def page():
        if "page" not in cache:
            cache["page"] = root.add_child(instance=Page(title="Side", slug="side-privacy"))
        return cache["page"]

    def idea():
        if "idea" not in cache:
            cache["idea"], _ = ideas.do_post_idea(other, title="Idé", body="Tekst")
        return cache["idea"]

    def contribution():
        return idea()

    def workflow_state(**kw):
        workflow = Workflow.objects.create(name=f"wf{len(cache)}")
        cache[f"wf{len(cache)}"] = workflow
        return WorkflowState.objects.create(
            content_type=kw.pop("content_type", ContentType.objects.get_for_model(Page)),
            base_content_type=kw.pop("base_content_type", ContentType.objects.get_for_model(Page)),
            object_id=kw.pop("object_id", str(page().pk)),
            workflow=workflow,
            status="approved",
            **kw,
        )

    def page_comment(**kw):
        return PageComment.objects.create(
            page=page(), contentpath="title", text="Merk", **{"user": other, **kw}
        )

    return {
        "accounts.membership.user": lambda: Membership.objects.create(
            user=user, organisation=Organisation.objects.create(name="Vel")
        ),
        "accounts.user_groups.user": lambda: (
            user.groups.add(Group.objects.first())
            or type(user).groups.through.objects.get(user=user)
        ),
        "accounts.user_user_permissions.user": lambda: (
            user.user_permissions.add(Permission.objects.first())
            or type(user).user_permissions.through.objects.get(user=user)
        ),
        "contributions.contribution.author": lambda: ideas.do_post_idea(
            user, title="Egen idé", body="Tekst"
        )[0],
        "contributions.contribution.claimed_by": lambda: (
            Contribution.objects.filter(pk=contribution().pk).update(claimed_by=user)
            and Contribution.objects.get(pk=contribution().pk)
        ),
        "contributions.report.reporter": lambda: Report.objects.create(
            contribution=contribution(), reporter=user, reason="spam"
        ),
        "contributions.auditentry.actor": lambda: AuditEntry.objects.create(
            contribution=contribution(), actor=user, action="viewed_original"
        ),
        "hearings.attachment.uploaded_by": lambda: attach(user),
        "hearings.campaigngroup.confirmed_by": lambda: CampaignGroup.objects.create(
            hearing=hearing, label="Kampanje", confirmed_by=user
        ),
        "hearings.export.requested_by": lambda: Export.objects.create(
            hearing=hearing, requested_by=user, format="csv"
        ),
        "ideabank.support.user": lambda: Support.objects.create(idea=idea(), user=user),
        "ideabank.ideastatuschange.changed_by": lambda: IdeaStatusChange.objects.create(
            idea=idea(), status="planned", changed_by=user
        ),
        "initiatives.signature.user": lambda: _signature(user, other),
        "initiatives.initiative.decided_by": lambda: _initiative(other, decided_by=user),
        "ideabank.open311client.account": lambda: Open311Client.objects.create(
            name="App", api_key_hash="b" * 64, account=user
        ),
        "notifications.follow.user": lambda: Follow.objects.create(user=user, idea=idea()),
        "notifications.notificationsetting.user": lambda: NotificationSetting.objects.create(
            user=user, kind="reply", frequency="never"
        ),
        "notifications.notification.user": lambda: Notification.objects.create(
            user=user, kind="reply", key="k"
        ),
        "account.emailaddress.user": lambda: EmailAddress.objects.get(user=user),
        "socialaccount.socialaccount.user": lambda: SocialAccount.objects.create(
            user=user, provider="idporten", uid="sub-1", extra_data={}
        ),
        "mfa.authenticator.user": lambda: Authenticator.objects.create(
            user=user, type="totp", data={}
        ),
        "wagtailcore.page.owner": lambda: root.add_child(
            instance=Page(title="Eid", slug="eid-privacy", owner=user)
        ),
        "wagtailcore.page.locked_by": lambda: root.add_child(
            instance=Page(title="Låst", slug="last-privacy", locked=True, locked_by=user)
        ),
        "wagtailcore.revision.user": lambda: page().save_revision(user=user),
        "wagtailcore.modellogentry.user": lambda: ModelLogEntry.objects.create(
            content_type=user_ct,
            label="x",
            action="wagtail.edit",
            object_id="1",
            user=user,
            timestamp=timezone.now(),
        ),
        "wagtailcore.pagelogentry.user": lambda: PageLogEntry.objects.create(
            content_type=user_ct,
            label="x",
            action="wagtail.edit",
            page=page(),
            user=user,
            timestamp=timezone.now(),
        ),
        "wagtailcore.uploadedfile.uploaded_by_user": lambda: UploadedFile.objects.create(
            file="x.txt", uploaded_by_user=user
        ),
        "wagtailcore.workflowstate.requested_by": lambda: workflow_state(requested_by=user),
        "wagtailcore.taskstate.finished_by": lambda: TaskState.objects.create(
            workflow_state=workflow_state(),
            revision=page().save_revision(),
            task=Task.objects.create(
                name="t", content_type=ContentType.objects.get_for_model(Task)
            ),
            finished_by=user,
        ),
        "wagtailcore.comment.user": lambda: page_comment(user=user),
        "wagtailcore.comment.resolved_by": lambda: page_comment(resolved_by=user),
        "wagtailcore.commentreply.user": lambda: CommentReply.objects.create(
            comment=page_comment(), user=user, text="Svar"
        ),
        "wagtailcore.pagesubscription.user": lambda: PageSubscription.objects.create(
            user=user, page=page(), comment_notifications=True
        ),
        "wagtailcore.apitoken.user": lambda: apps.get_model("wagtailcore.APIToken").objects.create(
            user=user, name="Token", key_hash="c" * 64, prefix="abc"
        ),
        "wagtailusers.userprofile.user": lambda: UserProfile.get_for_user(user),
        "wagtaildocs.document.uploaded_by_user": lambda: Document.objects.create(
            title="Dok", file="d.pdf", uploaded_by_user=user
        ),
        "wagtailimages.image.uploaded_by_user": lambda: Image.objects.create(
            title="Bilde", file="b.jpg", width=1, height=1, uploaded_by_user=user
        ),
        "wagtailadmin.editingsession.user": lambda: EditingSession.objects.create(
            last_seen_at=timezone.now(),
            user=user,
            content_type=ContentType.objects.get_for_model(Page),
            object_id=page().pk,
        ),
        "wagtailadmin.formstate.user": lambda: apps.get_model(
            "wagtailadmin.FormState"
        ).objects.create(
            user=user,
            content_type=ContentType.objects.get_for_model(Page),
            object_id=page().pk,
            data={},
            parent_object_id="",
            last_updated_at=timezone.now(),
        ),
        "admin.logentry.user": lambda: LogEntry.objects.create(
            user=user, object_repr="x", action_flag=1
        ),
        # Generic relations whose object is the user.
        "wagtailadmin.editingsession.content_object": lambda: EditingSession.objects.create(
            last_seen_at=timezone.now(), user=other, content_type=user_ct, object_id=user.pk
        ),
        "wagtailadmin.formstate.content_object": lambda: apps.get_model(
            "wagtailadmin.FormState"
        ).objects.create(
            user=other,
            content_type=user_ct,
            object_id=user.pk,
            data={},
            parent_object_id="",
            last_updated_at=timezone.now(),
        ),
        "wagtailcore.revision.content_object": lambda: Revision.objects.create(
            content_type=user_ct,
            base_content_type=user_ct,
            object_id=str(user.pk),
            content={},
            object_str="x",
        ),
        "wagtailcore.workflowstate.content_object": lambda: workflow_state(
            content_type=user_ct, base_content_type=user_ct, object_id=str(user.pk)
        ),
        "taggit.taggeditem.content_object": lambda: TaggedItem.objects.create(
            content_object=user, tag=Tag.objects.create(name="t", slug="t")
        ),
        "wagtailsearch.indexentry.content_object": lambda: apps.get_model(
            "wagtailsearch.IndexEntry"
        ).objects.create(
            content_type=user_ct, object_id=str(user.pk), title="x", body="", autocomplete=""
        ),
    }


def test_the_export_has_a_row_of_every_registered_kind(person, make_user, make_hearing, files):
    other = make_user(email="annen@example.org", name="Annen")
    factories = _row_factories(person, other, make_hearing())
    missing = [
        f"{e.model_label.lower()}.{e.field}"
        for e in entries()
        if f"{e.model_label.lower()}.{e.field}" not in factories
    ]
    assert not missing, f"Add a row factory to _row_factories for: {missing}"
    expected = {}
    for entry in entries():
        row = factories[f"{entry.model_label.lower()}.{entry.field}"]()
        expected[entry.section] = row.pk
    sections = {s["key"]: s["rows"] for s in build_export(person)["sections"]}
    absent = [
        section
        for section, pk in expected.items()
        if pk not in [row.get("id") for row in sections[section]]
    ]
    assert not absent, f"The export lacks the row made for: {absent}"


# ---------------------------------------------------------------- the pages


def test_the_privacy_page_shows_the_persons_data_but_never_the_identity_hash(client, person):
    NotificationSetting.objects.create(user=person, kind="reply", frequency="weekly")
    client.force_login(person)
    response = client.get(reverse("privacy"))
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert EMAIL in page and NAME in page
    assert PID_HASH not in page
    assert reverse("privacy_delete") in page


def test_the_privacy_pages_need_a_login(client):
    for url in (
        reverse("privacy"),
        reverse("privacy_download", args=["json"]),
        reverse("privacy_delete"),
    ):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND
        assert "login" in response["Location"]


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("json", "application/json"), ("html", "text/html"), ("pdf", "application/pdf")],
)
def test_the_person_downloads_their_data(client, person, fmt, content_type):
    client.force_login(person)
    response = client.get(reverse("privacy_download", args=[fmt]))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith(content_type)
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    body = response.content
    if fmt == "json":
        data = json.loads(body)
        assert data["account"]["email"] == EMAIL
        assert data["active_sessions"] == 1
    elif fmt == "html":
        assert EMAIL in body.decode()
    else:
        assert body.startswith(b"%PDF")
    assert PID_HASH.encode() not in body


def test_the_delete_page_says_what_goes_and_what_stays(client, person, make_hearing):
    hearing = make_hearing()
    do_submit(person, hearing, "Publisert uttalelse.")
    pending, _ = do_submit(person, hearing, "Ikke publisert.")
    Contribution.objects.filter(pk=pending.pk).update(state="pending")
    Follow.objects.create(user=person, hearing=hearing)
    client.force_login(person)
    with translation.override("en"):
        url = reverse("privacy_delete")
    page = " ".join(client.get(url).content.decode().split())
    assert (
        f"1 published post stays where it is, under the name it was published with ({NAME})" in page
    )
    assert "1 post that is not published" in page
    assert "What you follow: 1" in page
    assert 'name="password"' in page and 'name="confirm"' in page


def test_a_wrong_password_deletes_nothing_and_keeps_the_box_ticked(client, person):
    client.force_login(person)
    response = client.post(reverse("privacy_delete"), {"confirm": "on", "password": "wrong"})
    assert response.status_code == HTTPStatus.OK
    assert get_user_model().objects.filter(pk=person.pk).exists()
    assert 'aria-invalid="true"' in response.content.decode()
    assert "checked" in response.content.decode()


def test_the_person_deletes_the_account_with_the_password_and_is_logged_out(client, person):
    client.force_login(person)
    response = client.post(reverse("privacy_delete"), {"confirm": "on", "password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert not get_user_model().objects.filter(pk=person.pk).exists()
    assert not Session.objects.exists()
    assert client.get(reverse("privacy")).status_code == HTTPStatus.FOUND


def test_an_eid_only_account_must_have_logged_in_just_now(client, person):
    import time

    person.set_unusable_password()
    person.save()
    client.force_login(person)
    page = client.get(reverse("privacy_delete")).content.decode()
    assert reverse("eid_login") in page
    client.post(reverse("privacy_delete"), {"confirm": "on"})
    assert get_user_model().objects.filter(pk=person.pk).exists()

    session = client.session
    session["account_authentication_methods"] = [{"method": "socialaccount", "at": time.time()}]
    session.save()
    response = client.post(reverse("privacy_delete"), {"confirm": "on"})
    assert response.status_code == HTTPStatus.FOUND
    assert not get_user_model().objects.filter(pk=person.pk).exists()
