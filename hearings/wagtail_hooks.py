"""Hearings in the Wagtail admin: planners create and edit hearings, and work through the
submissions in the review workspace (hearings.admin_views)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.db.models import Count, Q
from django.urls import include, path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import AdminDateInput, AdminTimeInput
from wagtail.log_actions import log

from hearings import admin_views, review
from hearings.models import Hearing
from hearings.operations import check_short_period_reason, end_of_day
from ideabank.models import Topic
from participation.accounts.permissions import is_planner
from participation.contributions.models import ModerationMode
from participation.contributions.operations import ContributionError

OSLO = ZoneInfo("Europe/Oslo")
# The model fields the form edits directly; dates and moderation are handled by the form.
HEARING_FIELDS = [
    "title",
    "case_number",
    "summary",
    "identity_level",
    "comments_allowed",
    "is_published",
    "is_plan_hearing",
    "short_period_reason",
    "area",
]


class HearingForm(WagtailAdminModelForm):
    """Dates in Norwegian time; a deadline without a time means the end of that day."""

    opens_date = forms.DateField(label=_("Opens on"), widget=AdminDateInput)
    opens_time = forms.TimeField(
        label=_("at"),
        required=False,
        widget=AdminTimeInput,
        help_text=_("Norwegian time. Empty means the start of the day."),
    )
    closes_date = forms.DateField(
        label=_("Deadline"),
        widget=AdminDateInput,
        help_text=_("Submissions after the deadline are kept and marked late."),
    )
    closes_time = forms.TimeField(
        label=_("at"),
        required=False,
        widget=AdminTimeInput,
        help_text=_("Norwegian time. Empty means the end of the day (23:59:59)."),
    )
    moderation = forms.ChoiceField(
        label=_("Moderation"),
        choices=ModerationMode.choices,
        initial=ModerationMode.POST,
        help_text=_("For comments and submissions on this hearing."),
    )

    class Meta:
        model = Hearing
        fields = [*HEARING_FIELDS, "topics"]
        widgets = {"topics": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hearing = self.instance
        # The municipality's topic list, not residents' free tags (but keep what is chosen).
        chosen = Q(pk__in=hearing.topics.all()) if hearing.pk else Q(pk__in=[])
        self.fields["topics"].queryset = Topic.objects.filter(Q(official=True) | chosen)
        if hearing.pk:
            opens = timezone.localtime(hearing.opens_at, OSLO)
            closes = timezone.localtime(hearing.closes_at, OSLO)
            self.initial.setdefault("opens_date", opens.date())
            if opens.time() != time(0, 0):
                self.initial.setdefault("opens_time", opens.time())
            self.initial.setdefault("closes_date", closes.date())
            if closes.time().replace(microsecond=0) != time(23, 59, 59):
                self.initial.setdefault("closes_time", closes.time())
            self.initial.setdefault("moderation", hearing.discussion.moderation)
        else:
            today = timezone.localdate()
            self.initial.setdefault("opens_date", today)
            self.initial.setdefault("closes_date", today + timedelta(days=42))

    def clean(self):
        data = super().clean()
        opens_date, closes_date = data.get("opens_date"), data.get("closes_date")
        if opens_date and closes_date:
            opens_at = datetime.combine(opens_date, data.get("opens_time") or time(0), OSLO)
            if data.get("closes_time"):
                closes_at = datetime.combine(closes_date, data["closes_time"], OSLO)
            else:
                closes_at = end_of_day(closes_date)
            if closes_at <= opens_at:
                self.add_error("closes_date", _("The deadline must be after the opening."))
            else:
                data["opens_at"] = self.instance.opens_at = opens_at
                data["closes_at"] = self.instance.closes_at = closes_at
                try:
                    check_short_period_reason(
                        opens_at,
                        closes_at,
                        data.get("is_plan_hearing", False),
                        data.get("short_period_reason", ""),
                    )
                except ContributionError as error:
                    self.add_error("short_period_reason", error.message)
        return data


def _warn(request, warnings):
    for warning in warnings:
        messages.warning(request, warning)


class HearingCreateView(generic.CreateView):
    def save_instance(self):
        # Through the operation, so the hearing gets its discussion like every other hearing.
        data = self.form.cleaned_data
        hearing, warnings = review.do_create_hearing_as_planner(
            self.request.user,
            moderation=data["moderation"],
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            **{f: data[f] for f in HEARING_FIELDS},
        )
        hearing.topics.set(data["topics"])
        log(instance=hearing, action="wagtail.create", user=self.request.user)
        _warn(self.request, warnings)
        return hearing


class HearingEditView(generic.EditView):
    def save_instance(self):
        hearing = self.form.save(commit=False)
        warnings = review.do_update_hearing(
            self.request.user, hearing, moderation=self.form.cleaned_data["moderation"]
        )
        self.form.save_m2m()  # the topics
        forget_cached_topics(hearing)
        log(instance=hearing, action="wagtail.edit", user=self.request.user)
        _warn(self.request, warnings)
        return hearing


def forget_cached_topics(hearing) -> None:
    """The plan page caches the hearing's topics; show a change at once."""
    cache.delete_many(
        [
            make_template_fragment_key("hearing_topics", [hearing.pk, code])
            for code, _name in settings.LANGUAGES
        ]
    )


class HearingIndexView(generic.IndexView):
    def get_base_queryset(self):
        # A ModelViewSet (unlike a SnippetViewSet) has no get_queryset(request): annotate here,
        # or the submissions column reads an attribute that is not there and shows "None".
        return super().get_base_queryset().annotate(submission_count=Count("submissions"))


class HearingViewSet(ModelViewSet):
    model = Hearing
    icon = "form"
    menu_label = _("Hearings")
    menu_order = 210
    add_to_admin_menu = True
    index_view_class = HearingIndexView
    add_view_class = HearingCreateView
    edit_view_class = HearingEditView
    copy_view_enabled = False
    inspect_view_enabled = False
    search_fields = ["title", "case_number"]
    list_filter = ["is_published", "is_plan_hearing"]
    list_display = [
        "title",
        "case_number",
        Column("get_phase_display", label=_("Phase")),
        "closes_at",
        TitleColumn(
            "submission_count",
            label=_("Submissions"),
            get_url=lambda hearing: reverse("hearings_review:workspace", args=[hearing.pk]),
        ),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("case_number"),
            FieldPanel("summary"),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("opens_date"), FieldPanel("opens_time")]),
                    FieldRowPanel([FieldPanel("closes_date"), FieldPanel("closes_time")]),
                    FieldPanel("is_plan_hearing"),
                    FieldPanel("short_period_reason"),
                ],
                heading=_("Hearing period"),
            ),
            FieldPanel("identity_level"),
            FieldPanel("comments_allowed"),
            FieldPanel("moderation"),
            FieldPanel("area"),
            FieldPanel("topics"),
            FieldPanel("is_published"),
        ],
        base_form_class=HearingForm,
    )


# Not "hearings": that namespace belongs to the public hearing pages.
hearing_viewset = HearingViewSet("hearing_admin", url_prefix="hearings")


@hooks.register("register_admin_viewset")
def register_hearing_viewset():
    return hearing_viewset


@hooks.register("register_admin_urls")
def register_review_urls():
    return [
        path(
            "hearing-review/",
            include((admin_views.urlpatterns, "hearings_review"), namespace="hearings_review"),
        )
    ]


class PlannerMenuItem(MenuItem):
    def is_shown(self, request):
        return is_planner(request.user)


@hooks.register("register_admin_menu_item")
def register_review_menu_item():
    return PlannerMenuItem(
        _("Review submissions"),
        reverse_lazy("hearings_review:index"),
        name="hearing-review",
        icon_name="tasks",
        order=211,
    )
