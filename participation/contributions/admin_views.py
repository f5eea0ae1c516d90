"""The moderation queue in the Wagtail admin: one list of everything residents post.

Thin views: parse, call `moderation.do_*`, redirect back to the queue with the same filters and
focus on the next item (so a keyboard user goes on where they were). A ContributionError from
an operation becomes a message. The page follows the `moderation` stream live (live.js).
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from participation.contributions import moderation
from participation.contributions.models import (
    Contribution,
    Discussion,
    RejectionReason,
    Report,
)
from participation.contributions.operations import ContributionError
from participation.contributions.permissions import can_moderate
from participation.geo.models import Area
from participation.live.models import Event

QUEUE_LIMIT = 100
ANY = ""
State = Contribution.State


class QueueFilter(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[(ANY, gettext_lazy("All kinds")), *Contribution.Kind.choices],
    )
    discussion = forms.TypedChoiceField(
        label=gettext_lazy("Hearing or discussion"), required=False, coerce=int, empty_value=None
    )
    area = forms.TypedChoiceField(
        label=gettext_lazy("Area"), required=False, coerce=int, empty_value=None
    )
    reported = forms.BooleanField(label=gettext_lazy("Only reported posts"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        waiting = Contribution.objects.filter(moderation.in_queue()).values("discussion_id")
        self.fields["discussion"].choices = [
            (ANY, _("All")),
            *Discussion.objects.filter(pk__in=waiting).order_by("title").values_list("pk", "title"),
        ]
        self.fields["area"].choices = [
            (ANY, _("All areas")),
            *Area.objects.order_by("name").values_list("pk", "name"),
        ]

    def filters(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}


def _area_q(area_id) -> Q:
    # A submission or comment has the area of its hearing; an idea its own, a comment on an
    # idea that of the idea.
    return (
        Q(submission__hearing__area_id=area_id)
        | Q(idea__area_id=area_id)
        | Q(discussion__hearing__area_id=area_id)
        | Q(discussion__idea__area_id=area_id)
    )


def queue_items(filters: dict):
    """Pending first, then reported (hidden), then published and not yet reviewed; oldest
    first within each."""
    items = (
        Contribution.objects.filter(moderation.in_queue())
        .select_related("discussion", "claimed_by")
        .annotate(
            rank=Case(
                When(state=State.PENDING, then=Value(0)),
                When(state=State.HIDDEN, then=Value(1)),
                When(report_count__gt=0, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "created_at", "pk")
    )
    if filters.get("kind"):
        items = items.filter(kind=filters["kind"])
    if filters.get("discussion"):
        items = items.filter(discussion_id=filters["discussion"])
    if filters.get("area"):
        items = items.filter(_area_q(filters["area"]))
    if filters.get("reported"):
        items = items.filter(report_count__gt=0)
    return items


def _check(request) -> None:
    if not can_moderate(request.user):
        raise PermissionDenied


def _with_reports(items) -> list:
    items = list(items)
    reasons: dict[int, list] = {}
    if items:
        for report in Report.objects.filter(contribution__in=[i.pk for i in items]).order_by("pk"):
            reasons.setdefault(report.contribution_id, []).append(report)
    for item in items:
        item.report_list = reasons.get(item.pk, [])
        item.claimant = moderation.active_claimant(item)
    return items


def queue(request):
    _check(request)
    form = QueueFilter(request.GET or None)
    filters = form.filters()
    items = queue_items(filters)
    total = items.count()
    shown = _with_reports(items[:QUEUE_LIMIT])
    focus = request.GET.get("focus", "")
    last_event = Event.objects.filter(stream=moderation.MODERATION_STREAM).order_by("-id").first()
    return TemplateResponse(
        request,
        "contributions/admin/queue.html",
        {
            "form": form,
            "items": shown,
            "total": total,
            "focus": int(focus) if focus.isdigit() else None,
            "rejection_reasons": RejectionReason.choices,
            "next_query": _filter_query(request.GET),
            "last_event_id": last_event.pk if last_event else 0,
            "stream": moderation.MODERATION_STREAM,
        },
    )


def card(request, pk):
    """One item of the queue, for the live page to insert; 204 if it is not (or no longer) in
    the queue the filters describe."""
    _check(request)
    form = QueueFilter(request.GET or None)
    item = queue_items(form.filters()).filter(pk=pk).first()
    if item is None:
        return HttpResponse(status=204)
    (item,) = _with_reports([item])
    return TemplateResponse(
        request,
        "contributions/admin/_item.html",
        {
            "item": item,
            "rejection_reasons": RejectionReason.choices,
            "next_query": _filter_query(request.GET),
        },
    )


def _filter_query(params) -> str:
    keep = {k: params[k] for k in ("kind", "discussion", "area", "reported") if params.get(k)}
    return urlencode(keep)


def _back(request, focus_pk=None):
    params = QueryDict(request.POST.get("next_query", ""), mutable=True)
    params.pop("focus", None)
    if focus_pk:
        params["focus"] = str(focus_pk)
    url = reverse("moderation:queue")
    if params:
        url += "?" + params.urlencode()
    return redirect(url + (f"#item-{focus_pk}" if focus_pk else ""))


def _next_after(request, pk) -> int | None:
    """The item after `pk` in the queue the moderator was looking at (or the one before)."""
    filters = QueueFilter(QueryDict(request.POST.get("next_query", ""))).filters()
    ids = list(queue_items(filters).values_list("pk", flat=True)[: QUEUE_LIMIT + 1])
    if pk not in ids:
        return ids[0] if ids else None
    index = ids.index(pk)
    rest = ids[index + 1 :] or ids[:index][-1:]
    return rest[0] if rest else None


def _decide(request, pk, operation, *args, done_message=""):
    _check(request)
    item = get_object_or_404(Contribution, pk=pk)
    following = _next_after(request, item.pk)
    try:
        operation(request.user, item, *args)
    except ContributionError as error:
        messages.error(request, error.message)
        return _back(request, item.pk)
    if done_message:
        messages.success(request, done_message)
    return _back(request, following)


@require_POST
def claim(request, pk):
    _check(request)
    item = get_object_or_404(Contribution, pk=pk)
    try:
        moderation.do_claim(request.user, item)
    except ContributionError as error:
        messages.error(request, error.message)
    return _back(request, item.pk)


@require_POST
def release(request, pk):
    _check(request)
    item = get_object_or_404(Contribution, pk=pk)
    moderation.do_release(request.user, item)
    return _back(request, item.pk)


@require_POST
def publish(request, pk):
    return _decide(request, pk, moderation.do_publish, done_message=_("Published."))


@require_POST
def reject(request, pk):
    return _decide(
        request,
        pk,
        moderation.do_reject,
        request.POST.get("code", ""),
        request.POST.get("note", ""),
        done_message=_("Rejected. The author is told why."),
    )


@require_POST
def hide(request, pk):
    return _decide(
        request, pk, moderation.do_hide, request.POST.get("reason", ""), done_message=_("Hidden.")
    )


@require_POST
def redact(request, pk):
    _check(request)
    item = get_object_or_404(Contribution, pk=pk)
    try:
        moderation.do_redact(
            request.user, item, request.POST.get("text", ""), request.POST.get("reason", "")
        )
    except ContributionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The published text is changed; the original is kept."))
    return _back(request, item.pk)


def audit(request, pk):
    _check(request)
    item = get_object_or_404(Contribution.objects.select_related("discussion"), pk=pk)
    entries = item.audit_entries.select_related("actor")
    return TemplateResponse(
        request, "contributions/admin/audit.html", {"item": item, "entries": entries}
    )


urlpatterns = [
    path("", queue, name="queue"),
    path("<int:pk>/card/", card, name="card"),
    path("<int:pk>/claim/", claim, name="claim"),
    path("<int:pk>/release/", release, name="release"),
    path("<int:pk>/publish/", publish, name="publish"),
    path("<int:pk>/reject/", reject, name="reject"),
    path("<int:pk>/hide/", hide, name="hide"),
    path("<int:pk>/edit/", redact, name="redact"),
    path("<int:pk>/log/", audit, name="audit"),
]
