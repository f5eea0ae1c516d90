"""The planner workspace in the Wagtail admin (merknadsbehandling): every submission of a
hearing, review one by one, campaign groups, exports, publishing the responses.

Thin views: parse, call hearings.review / campaigns / exports, render. Every view is for
planners only (a ContributionError from an operation becomes a message, not a lost form).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from taggit.models import Tag
from wagtail.admin.widgets import AdminTagWidget

from hearings import exports, review, uploads
from hearings.models import Attachment, CampaignGroup, Export, Hearing, Phase, Submission
from participation.accounts.permissions import is_planner
from participation.contributions.models import Contribution
from participation.contributions.operations import ContributionError

PER_PAGE = 50
ANY = ""


def _hearing_for_planner(request, hearing_id) -> Hearing:
    if not is_planner(request.user):
        raise PermissionDenied
    return get_object_or_404(Hearing.objects.select_related("discussion"), pk=hearing_id)


def _render(request, template, context):
    return TemplateResponse(request, f"hearings/admin/{template}", context)


def _theme_names(value) -> list[str]:
    return [t for t in (value or []) if t]


# ---------------------------------------------------------------- index


def index(request):
    """All hearings with their submission counts: where a planner starts."""
    if not is_planner(request.user):
        raise PermissionDenied
    hearings = Hearing.objects.annotate(
        submission_count=Count("submissions"),
        answered=Count("submissions", filter=~Q(submissions__response="")),
    ).order_by("-closes_at")
    return _render(request, "index.html", {"hearings": hearings})


# ---------------------------------------------------------------- the submission list


class FilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False)
    theme = forms.ChoiceField(label=gettext_lazy("Theme"), required=False)
    late = forms.ChoiceField(
        label=gettext_lazy("Late"),
        required=False,
        choices=[
            (ANY, gettext_lazy("All")),
            ("yes", gettext_lazy("Late")),
            ("no", gettext_lazy("On time")),
        ],
    )
    answered = forms.ChoiceField(
        label=gettext_lazy("Response"),
        required=False,
        choices=[
            (ANY, gettext_lazy("All")),
            ("yes", gettext_lazy("Has a response")),
            ("no", gettext_lazy("No response yet")),
        ],
    )
    group = forms.ChoiceField(label=gettext_lazy("Campaign group"), required=False)
    withheld = forms.ChoiceField(
        label=gettext_lazy("Name withheld"),
        required=False,
        choices=[
            (ANY, gettext_lazy("All")),
            ("requested", gettext_lazy("Asks to have the name withheld")),
            ("withheld", gettext_lazy("Name withheld")),
        ],
    )
    state = forms.ChoiceField(
        label=gettext_lazy("State"),
        required=False,
        choices=[(ANY, gettext_lazy("All")), *Contribution.State.choices],
    )

    def __init__(self, *args, hearing, **kwargs):
        super().__init__(*args, **kwargs)
        themes = (
            Tag.objects.filter(hearings_themetag_items__content_object__hearing=hearing)
            .distinct()
            .order_by("name")
            .values_list("name", flat=True)
        )
        self.fields["theme"].choices = [(ANY, _("All")), *[(t, t) for t in themes]]
        groups = CampaignGroup.objects.filter(hearing=hearing).order_by("label")
        self.fields["group"].choices = [
            (ANY, _("All")),
            ("none", _("Not in a group")),
            ("any", _("In a group")),
            *[(str(g.pk), g.label) for g in groups],
        ]

    def apply(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if q := data["q"].strip():
            queryset = queryset.filter(
                Q(body__icontains=q)
                | Q(author_name__icontains=q)
                | Q(organisation_name__icontains=q)
                | Q(reference__icontains=q)
                | Q(summary__icontains=q)
            )
        if data["theme"]:
            queryset = queryset.filter(themes__name=data["theme"])
        if data["late"]:
            queryset = queryset.filter(is_late=data["late"] == "yes")
        if data["answered"] == "yes":
            queryset = queryset.exclude(response="")
        elif data["answered"] == "no":
            queryset = queryset.filter(response="")
        if data["group"] == "none":
            queryset = queryset.filter(campaign_group__isnull=True)
        elif data["group"] == "any":
            queryset = queryset.filter(campaign_group__isnull=False)
        elif data["group"]:
            queryset = queryset.filter(campaign_group_id=data["group"])
        if data["withheld"] == "requested":
            queryset = queryset.filter(name_withheld_requested=True)
        elif data["withheld"] == "withheld":
            queryset = queryset.filter(name_withheld=True)
        if data["state"]:
            queryset = queryset.filter(state=data["state"])
        return queryset


def hearing_stats(hearing) -> dict:
    """The figures the planner reports: a confirmed campaign of 1,000 counts as 1,000."""
    stats = Submission.objects.filter(hearing=hearing).aggregate(
        total=Count("pk"),
        late=Count("pk", filter=Q(is_late=True)),
        answered=Count("pk", filter=~Q(response="")),
        withheld_requested=Count("pk", filter=Q(name_withheld_requested=True)),
        in_campaigns=Count("pk", filter=Q(campaign_group__confirmed_at__isnull=False)),
    )
    groups = CampaignGroup.objects.filter(hearing=hearing).aggregate(
        confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
        suggested=Count("pk", filter=Q(confirmed_at__isnull=True)),
    )
    # Distinct things to answer: each letter outside a confirmed group, and each group.
    stats["to_answer"] = stats["total"] - stats["in_campaigns"] + groups["confirmed"]
    return {**stats, **groups}


def workspace(request, hearing_id):
    hearing = _hearing_for_planner(request, hearing_id)
    form = FilterForm(request.GET or None, hearing=hearing)
    queryset = form.apply(
        Submission.objects.filter(hearing=hearing)
        .select_related("campaign_group")
        .annotate(
            attachment_count=Count("attachments", distinct=True),
        )
        .prefetch_related("themes")
        .order_by("created_at", "pk")
    )
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    return _render(
        request,
        "workspace.html",
        {
            "hearing": hearing,
            "phase": hearing.phase(),
            "Phase": Phase,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "stats": hearing_stats(hearing),
            "can_publish": hearing.phase() == Phase.CLOSED,
        },
    )


# ---------------------------------------------------------------- one submission


class ReviewForm(forms.Form):
    themes = forms.CharField(
        label=gettext_lazy("Themes"),
        required=False,
        widget=AdminTagWidget,
        help_text=gettext_lazy("Separate themes with a comma, e.g. traffic, school."),
    )
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What the submission says, in a sentence or two."),
    )
    response = forms.CharField(
        label=gettext_lazy("The municipality's response"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Published beside the submission when responses are published."),
    )
    name_withheld = forms.BooleanField(
        label=gettext_lazy("Withhold the sender's name when published"), required=False
    )

    def __init__(self, *args, in_group=False, **kwargs):
        super().__init__(*args, **kwargs)
        if in_group:
            for name in ("summary", "response"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "Set once for the whole campaign group, on the group's page."
                )

    def clean_themes(self):
        from taggit.utils import parse_tags

        return parse_tags(self.cleaned_data["themes"])


def _submission(hearing, submission_id) -> Submission:
    return get_object_or_404(
        Submission.objects.select_related("campaign_group", "hearing", "author"),
        pk=submission_id,
        hearing=hearing,
    )


def submission_review(request, hearing_id, submission_id):
    hearing = _hearing_for_planner(request, hearing_id)
    submission = _submission(hearing, submission_id)
    group = submission.campaign_group
    in_group = bool(group and group.confirmed_at)
    if request.method == "POST":
        form = ReviewForm(request.POST, in_group=in_group)
        if form.is_valid():
            data = form.cleaned_data
            try:
                review.do_review_submission(
                    request.user,
                    submission,
                    themes=data["themes"],
                    summary=data["summary"] or "",
                    response=data["response"] or "",
                    name_withheld=data["name_withheld"],
                )
            except ContributionError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request, _("Submission %(ref)s saved.") % {"ref": submission.reference}
                )
                following = _next_submission(submission) if "next" in request.POST else None
                target = following or submission
                if following is None and "next" in request.POST:
                    return redirect("hearings_review:workspace", hearing.pk)
                return redirect("hearings_review:submission", hearing.pk, target.pk)
    else:
        form = ReviewForm(
            initial={
                "themes": ", ".join(
                    f'"{t.name}"' if "," in t.name or " " in t.name else t.name
                    for t in submission.themes.all()
                ),
                "summary": submission.summary,
                "response": submission.response,
                "name_withheld": submission.name_withheld,
            },
            in_group=in_group,
        )
        # The text as written is on screen now: that is on record.
        review.log_original_viewed(request.user, submission)
    return _render(
        request,
        "submission.html",
        {
            "hearing": hearing,
            "submission": submission,
            "attachments": submission.attachments.order_by("pk"),
            "group": group,
            "in_group": in_group,
            "form": form,
        },
    )


def _next_submission(submission):
    return (
        Submission.objects.filter(hearing_id=submission.hearing_id)
        .filter(
            Q(created_at__gt=submission.created_at)
            | Q(created_at=submission.created_at, pk__gt=submission.pk)
        )
        .order_by("created_at", "pk")
        .first()
    )


def attachment_download(request, hearing_id, attachment_id):
    hearing = _hearing_for_planner(request, hearing_id)
    attachment = get_object_or_404(
        Attachment.objects.select_related("submission"),
        pk=attachment_id,
        submission__hearing=hearing,
    )
    review.log_original_viewed(request.user, attachment.submission, attachment=attachment)
    return uploads.file_response(
        attachment.file,
        original_name=attachment.original_name,
        content_type=attachment.content_type,
    )


# ---------------------------------------------------------------- campaign groups


def campaigns(request, hearing_id):
    hearing = _hearing_for_planner(request, hearing_id)
    if request.method == "POST":
        _enqueue_detection(hearing.pk)
        messages.success(
            request,
            _("Looking for campaign letters. Suggestions appear here when it is done."),
        )
        return redirect("hearings_review:campaigns", hearing.pk)
    groups = (
        CampaignGroup.objects.filter(hearing=hearing)
        .annotate(size=Count("submissions"))
        .select_related("confirmed_by")
        .order_by("confirmed_at", "-size", "pk")
    )
    return _render(
        request,
        "campaigns.html",
        {"hearing": hearing, "groups": groups, "stats": hearing_stats(hearing)},
    )


def _enqueue_detection(hearing_id):
    from hearings.tasks import detect_campaigns

    detect_campaigns.enqueue(hearing_id)


class GroupReviewForm(forms.Form):
    label = forms.CharField(label=gettext_lazy("Name of the group"), max_length=200)
    themes = ReviewForm.base_fields["themes"]
    summary = forms.CharField(
        label=gettext_lazy("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    response = forms.CharField(
        label=gettext_lazy("The municipality's response"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Applies to every letter in the group."),
    )

    clean_themes = ReviewForm.clean_themes


def campaign_detail(request, hearing_id, group_id):
    hearing = _hearing_for_planner(request, hearing_id)
    group = get_object_or_404(
        CampaignGroup.objects.select_related("representative", "confirmed_by"),
        pk=group_id,
        hearing=hearing,
    )
    form = None
    if request.method == "POST":
        action = request.POST.get("action")
        selected = [int(pk) for pk in request.POST.getlist("selected") if pk.isdigit()]
        try:
            if action == "confirm":
                review.do_confirm_campaign(request.user, group, remove_ids=selected)
                messages.success(request, _("Campaign group confirmed."))
            elif action == "reject":
                review.do_reject_campaign(request.user, group)
                messages.success(request, _("The letters will be answered one by one."))
                return redirect("hearings_review:campaigns", hearing.pk)
            elif action == "remove":
                n = review.do_remove_from_campaign(request.user, group, selected)
                messages.success(request, _("%(n)s letters taken out of the group.") % {"n": n})
            elif action == "review":
                form = GroupReviewForm(request.POST)
                if form.is_valid():
                    review.do_review_campaign(request.user, group, **form.cleaned_data)
                    messages.success(request, _("Saved for every letter in the group."))
                else:
                    raise _Invalid
            return redirect("hearings_review:campaign", hearing.pk, group.pk)
        except ContributionError as error:
            messages.error(request, str(error))
        except _Invalid:
            pass
    if form is None:
        names = Tag.objects.filter(hearings_themetag_items__content_object=group.representative_id)
        form = GroupReviewForm(
            initial={
                "label": group.label,
                "themes": ", ".join(f'"{t.name}"' for t in names),
                "summary": group.summary,
                "response": group.response,
            }
        )
    members = Paginator(
        group.submissions.order_by("created_at", "pk").only(
            "pk", "reference", "author_name", "organisation_name", "created_at", "is_late", "body"
        ),
        PER_PAGE,
    ).get_page(request.GET.get("p"))
    return _render(
        request,
        "campaign.html",
        {"hearing": hearing, "group": group, "members": members, "form": form},
    )


class _Invalid(Exception):
    pass


# ---------------------------------------------------------------- exports


class ExportForm(forms.Form):
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=Export.Format.choices)


def exports_view(request, hearing_id):
    hearing = _hearing_for_planner(request, hearing_id)
    if request.method == "POST":
        form = ExportForm(request.POST)
        if form.is_valid():
            exports.do_request_export(request.user, hearing, form.cleaned_data["format"])
            messages.success(request, _("The export has started. This page shows its progress."))
            return redirect("hearings_review:exports", hearing.pk)
    else:
        form = ExportForm()
    items = list(Export.objects.filter(hearing=hearing).select_related("requested_by")[:20])
    busy = any(e.status in (Export.Status.PENDING, Export.Status.RUNNING) for e in items)
    return _render(
        request,
        "exports.html",
        {"hearing": hearing, "form": form, "exports": items, "busy": busy},
    )


def export_download(request, hearing_id, export_id):
    hearing = _hearing_for_planner(request, hearing_id)
    export = get_object_or_404(Export, pk=export_id, hearing=hearing)
    if export.status != Export.Status.DONE or not export.file:
        raise Http404
    return FileResponse(
        export.file.open("rb"), as_attachment=True, filename=export.file.name.rsplit("/", 1)[-1]
    )


# ---------------------------------------------------------------- publishing responses


def publish_responses(request, hearing_id):
    hearing = _hearing_for_planner(request, hearing_id)
    if request.method == "POST":
        try:
            n = review.do_publish_responses(request.user, hearing)
        except ContributionError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("The responses are published. %(n)s senders are told by e-mail.") % {"n": n},
            )
            return redirect("hearings_review:workspace", hearing.pk)
    stats = hearing_stats(hearing)
    return _render(
        request,
        "publish.html",
        {
            "hearing": hearing,
            "stats": stats,
            "unanswered": stats["total"] - stats["answered"],
            "to_notify": review.submissions_to_notify(hearing).count(),
            "allowed": hearing.phase() == Phase.CLOSED,
        },
    )


def workspace_url(hearing) -> str:
    return reverse("hearings_review:workspace", args=[hearing.pk])


urlpatterns = [
    path("", index, name="index"),
    path("<int:hearing_id>/", workspace, name="workspace"),
    path(
        "<int:hearing_id>/submissions/<int:submission_id>/",
        submission_review,
        name="submission",
    ),
    path(
        "<int:hearing_id>/attachments/<int:attachment_id>/",
        attachment_download,
        name="attachment",
    ),
    path("<int:hearing_id>/campaigns/", campaigns, name="campaigns"),
    path("<int:hearing_id>/campaigns/<int:group_id>/", campaign_detail, name="campaign"),
    path("<int:hearing_id>/exports/", exports_view, name="exports"),
    path("<int:hearing_id>/exports/<int:export_id>/", export_download, name="export"),
    path("<int:hearing_id>/publish/", publish_responses, name="publish"),
]
