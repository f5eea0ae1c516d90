"""Thin views: parse, call operations, render. Anything a rule forbids comes back as a message
next to what the person wrote, never as a lost form."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hearings import operations, uploads
from hearings.forms import CommentForm, SubmissionForm
from hearings.models import Attachment, Hearing, IdentityLevel, Phase, Submission
from hearings.permissions import (
    can_comment,
    can_see_original,
    can_view_hearing,
    get_hearing_for_user,
)
from participation.contributions.badges import with_author_badge
from participation.contributions.models import Comment, Contribution
from participation.contributions.operations import ContributionError, public_rendering
from participation.live.events import last_event_id
from participation.ratelimit import limit_posts
from participation.text.redact import redact_personal_data

SUBMISSIONS_PER_PAGE = 20
COMMENTS_PER_PAGE = 30
PUBLISHED = Contribution.State.PUBLISHED


def _draft_key(hearing) -> str:
    return f"hearing-draft-{hearing.pk}"


def published_submissions(hearing):
    return Submission.objects.filter(hearing=hearing, state=PUBLISHED).order_by(
        "published_at", "pk"
    )


def submission_page(hearing, page_number):
    """One page of published submissions with their attachment counts: three queries."""
    page = Paginator(published_submissions(hearing), SUBMISSIONS_PER_PAGE).get_page(page_number)
    counts = dict(
        Attachment.objects.filter(submission__in=[s.pk for s in page])
        .values_list("submission")
        .annotate(n=Count("id"))
    )
    for submission in page:
        submission.attachment_count = counts.get(submission.pk, 0)
        submission.hearing = hearing  # for public_response, without a query each
    return page


def posts_version(discussion) -> int:
    """Changes with every event on the discussion's stream: the key for cached post lists."""
    return last_event_id(discussion.stream)


def comment_page(hearing, page_number):
    """Top-level comments, paged, each with its published replies: two queries in all."""
    replies = with_author_badge(Comment.objects.filter(state=PUBLISHED)).order_by(
        "created_at", "pk"
    )
    top = (
        with_author_badge(
            Comment.objects.filter(discussion=hearing.discussion, parent=None, state=PUBLISHED)
        )
        .order_by("created_at", "pk")
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="published_replies"))
    )
    return Paginator(top, COMMENTS_PER_PAGE).get_page(page_number)


def plan_page_context(request, plan_page) -> dict:
    hearing = (
        Hearing.objects.select_related("discussion", "area").filter(pk=plan_page.hearing_id).first()
        if plan_page.hearing_id
        else None
    )
    if hearing is None or not can_view_hearing(request.user, hearing):
        return {"hearing": None}
    phase = hearing.phase()
    submissions_number = request.GET.get("side") or "1"
    comments_number = request.GET.get("kommentarer") or "1"
    # The lists are built only when the cached fragment in the template is missing.
    submissions = SimpleLazyObject(lambda: submission_page(hearing, submissions_number))
    comments = SimpleLazyObject(lambda: comment_page(hearing, comments_number))
    return {
        "posts_cache_key": [
            hearing.pk,
            posts_version(hearing.discussion),
            phase,
            submissions_number[:6],
            comments_number[:6],
            request.user.is_authenticated,
        ],
        "hearing": hearing,
        "map_settings": map_settings(),
        "phase": phase,
        "Phase": Phase,
        "days_left": hearing.days_left(),
        "submissions": submissions,
        "comments": comments if hearing.comments_allowed else None,
        "comment_form": CommentForm() if can_comment(request.user, hearing) else None,
        "accepts_submissions": phase in (Phase.OPEN, Phase.CLOSED),
    }


def map_settings() -> dict:
    from django.conf import settings

    return {
        "tile_url": settings.MAP_TILE_URL,
        "attribution": settings.MAP_ATTRIBUTION,
        "center": settings.MAP_CENTER,
    }


def _login_url(request, hearing, next_url):
    params = {"next": next_url}
    if hearing.identity_level != "none":
        params["level"] = hearing.identity_level
    return f"{reverse('account_login')}?{urlencode(params)}"


@require_http_methods(["GET", "POST"])
@limit_posts("submission", when=lambda request: request.POST.get("action") != "edit")
def submit(request, pk):
    hearing = get_hearing_for_user(request.user, pk)
    draft = request.session.get(_draft_key(hearing))
    action = request.POST.get("action", "preview")
    if request.method == "GET" or action == "edit":
        initial = draft or {}
        form = SubmissionForm(
            data=request.POST if action == "edit" and request.method == "POST" else None,
            initial=initial,
            user=request.user,
        )
        return _render_form(request, hearing, form)

    form = SubmissionForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return _render_form(request, hearing, form)
    data = form.cleaned_data
    organisation = data.get("organisation")
    try:
        operations.check_can_submit(request.user, hearing, organisation)
        # Every file of the preview is checked (count, per-person cap, type, pixels) before
        # any is stored, so a refused one leaves nothing behind.
        tokens = uploads.check_kept_tokens(request.user, form.tokens())
        checked = uploads.check_attachments(request.user, data["attachments"], kept=len(tokens))
        tokens += [a.token for a in uploads.do_store_attachments(request.user, checked)]
    except (operations.LoginRequired, operations.IdentityTooWeak) as error:
        return _keep_and_login(request, hearing, form, error)
    except ContributionError as error:
        form.add_error(None, error.message)
        return _render_form(request, hearing, form)

    if action == "send":
        try:
            submission, _created = operations.do_submit(
                request.user,
                hearing,
                data["body"],
                organisation=organisation,
                name_withheld_requested=data["name_withheld_requested"],
                attachment_tokens=tokens,
                idempotency_key=data["idempotency_key"],
            )
        except ContributionError as error:
            form.add_error(None, error.message)
            return _render_form(request, hearing, form)
        request.session.pop(_draft_key(hearing), None)
        return redirect("hearings:receipt", pk=hearing.pk, submission_id=submission.pk)

    # Preview: exactly what will be published, and a button to send it.
    html, _redactions = public_rendering(data["body"])
    attachments = Attachment.objects.filter(
        token__in=tokens, uploaded_by=request.user, submission__isnull=True
    )
    return render(
        request,
        "hearings/submit_preview.html",
        {
            "hearing": hearing,
            "form": form,
            "preview_html": html,
            "redactions": redact_personal_data(data["body"]).describe(),
            "attachments": attachments,
            "tokens": ",".join(a.token for a in attachments),
            "public_name": _("Name withheld")
            if data["name_withheld_requested"]
            else request.user.display_name,
            "organisation": organisation,
            "is_late": hearing.phase() == Phase.CLOSED,
        },
    )


def _keep_and_login(request, hearing, form, error):
    request.session[_draft_key(hearing)] = {
        "body": form.cleaned_data.get("body", ""),
        "name_withheld_requested": form.cleaned_data.get("name_withheld_requested", False),
        "idempotency_key": form.cleaned_data.get("idempotency_key", ""),
    }
    submit_url = reverse("hearings:submit", args=[hearing.pk])
    if request.user.is_authenticated:
        # Logged in, but not at the level the hearing needs: the form says so itself and
        # offers ID-porten, so no second message that says the same.
        return redirect(submit_url)
    if hearing.identity_level == IdentityLevel.EMAIL:
        # The login page explains an eID level itself (its `level` parameter), not this one.
        messages.info(request, error.message)
    return redirect(_login_url(request, hearing, submit_url))


def _render_form(request, hearing, form):
    level_ok = not request.user.is_authenticated or request.user.has_assurance(
        hearing.identity_level
    )
    return render(
        request,
        "hearings/submit_form.html",
        {
            "hearing": hearing,
            "form": form,
            "phase": hearing.phase(),
            "Phase": Phase,
            "level_ok": level_ok,
            "login_url": _login_url(request, hearing, request.get_full_path()),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def receipt(request, pk, submission_id):
    hearing = get_hearing_for_user(request.user, pk)
    submission = get_object_or_404(Submission, pk=submission_id, hearing=hearing)
    if not request.user.is_authenticated or submission.author_id != request.user.pk:
        raise Http404
    return render(
        request,
        "hearings/receipt.html",
        {"hearing": hearing, "submission": submission, "attachments": submission.attachments.all()},
    )


def submission_list(request, pk):
    hearing = get_hearing_for_user(request.user, pk)
    page = submission_page(hearing, request.GET.get("side"))
    return render(
        request,
        "hearings/submission_list.html",
        {"hearing": hearing, "submissions": page, "plan_page": hearing.plan_pages.live().first()},
    )


def submission_detail(request, pk, submission_id):
    hearing = get_hearing_for_user(request.user, pk)
    submission = get_object_or_404(
        Submission.objects.prefetch_related("attachments"), pk=submission_id, hearing=hearing
    )
    if not submission.is_public and not can_see_original(request.user, submission):
        raise Http404
    submission.hearing = hearing
    return render(
        request,
        "hearings/submission_detail.html",
        {
            "hearing": hearing,
            "submission": submission,
            "show_original": can_see_original(request.user, submission),
        },
    )


def attachment(request, pk, attachment_id):
    """An attachment, for its sender and case staff only; every staff view is logged."""
    hearing = get_hearing_for_user(request.user, pk)
    item = get_object_or_404(
        Attachment.objects.select_related("submission"),
        pk=attachment_id,
        submission__hearing=hearing,
    )
    if not can_see_original(request.user, item.submission):
        raise Http404
    if item.submission.author_id != request.user.pk:
        from hearings.review import log_original_viewed

        log_original_viewed(request.user, item.submission, attachment=item)
    return uploads.file_response(
        item.file, original_name=item.original_name, content_type=item.content_type
    )


@require_http_methods(["GET", "POST"])
@limit_posts("comment")
def comment(request, pk):
    hearing = get_hearing_for_user(request.user, pk)
    parent = None
    parent_id = request.POST.get("parent") or request.GET.get("svar")
    if parent_id and str(parent_id).isdigit():
        parent = Comment.objects.filter(
            pk=parent_id, discussion=hearing.discussion, state=PUBLISHED
        ).first()
    if request.method == "GET":
        form = CommentForm(
            initial={
                "parent": parent.pk if parent else None,
                "section": (request.GET.get("seksjon") or "")[:100],
            }
        )
        return _render_comment_form(request, hearing, form, parent)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _render_comment_form(request, hearing, form, parent)
    try:
        created, _created = operations.do_comment(
            request.user,
            hearing,
            form.cleaned_data["body"],
            parent=parent,
            section=form.cleaned_data.get("section") or "",
            idempotency_key=form.cleaned_data.get("idempotency_key") or "",
        )
    except operations.LoginRequired as error:
        messages.info(request, error.message)
        request.session[f"comment-draft-{hearing.pk}"] = form.cleaned_data["body"]
        return redirect(_login_url(request, hearing, reverse("hearings:comment", args=[pk])))
    except ContributionError as error:
        form.add_error(None, error.message)
        return _render_comment_form(request, hearing, form, parent)
    if created.is_public:
        messages.success(request, _("Your comment is published."))
    else:
        messages.success(
            request, _("Thank you. Your comment will be published when a moderator has read it.")
        )
    plan = hearing.plan_pages.live().first()
    target = plan.url if plan else reverse("hearings:submissions", args=[pk])
    return redirect(f"{target}#comment-{created.pk}" if created.is_public else target)


def _render_comment_form(request, hearing, form, parent):
    draft = request.session.pop(f"comment-draft-{hearing.pk}", None)
    if draft and not form.is_bound:
        form.initial["body"] = draft
    return render(
        request,
        "hearings/comment_form.html",
        {"hearing": hearing, "form": form, "parent": parent},
        status=400 if form.is_bound and form.errors else 200,
    )
