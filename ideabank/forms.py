import uuid

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from hearings.forms import MultipleFileField
from ideabank.models import IdeaStatus, Topic
from ideabank.operations import MAX_PHOTOS, free_tags_allowed
from participation.geo.models import Area


class Sort:
    NEWEST = "newest"
    SUPPORTED = "supported"
    DISCUSSED = "discussed"
    CHOICES = [
        (NEWEST, _("Newest first")),
        (SUPPORTED, _("Most supported")),
        (DISCUSSED, _("Most discussed")),
    ]


class IdeaFilterForm(forms.Form):
    """The filters on the list and the map: a GET form, so every filter works without
    JavaScript and a filtered list has a shareable address."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    area = forms.ChoiceField(label=_("Area"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *IdeaStatus.choices],
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=Sort.CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [
            ("", _("All topics")),
            *Topic.objects.filter(official=True).values_list("slug", "name"),
        ]
        self.fields["area"].choices = [
            ("", _("All areas")),
            *Area.objects.values_list("slug", "name"),
        ]

    def filters(self) -> dict:
        """The valid filters; an unknown value is ignored rather than an error page."""
        data = self.cleaned_data if self.is_valid() else {}
        if not data:
            # Keep what is valid when one field is not (e.g. a topic that was removed).
            data = {
                name: self.data.get(name, "") for name in self.fields if name not in self.errors
            }
        return {
            "q": (data.get("q") or "").strip()[:100],
            "topic": data.get("topic") or "",
            "area": data.get("area") or "",
            "status": data.get("status") or "",
            "sort": data.get("sort") or Sort.NEWEST,
        }


class IdeaForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("Your idea in a few words.")
    )
    body = forms.CharField(
        label=_("Describe your idea"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10_000,
        help_text=_(
            "Ideas are public and are published with your name. Do not write your address, "
            "phone number or identity number."
        ),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.filter(official=True),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    free_tags = forms.CharField(
        label=_("Your own tags"),
        required=False,
        max_length=300,
        help_text=_("Separate tags with commas."),
    )
    place_query = forms.CharField(
        label=_("Address or place name"),
        required=False,
        max_length=100,
        help_text=_("Type a street, an address or a place and press “Find place”."),
    )
    place = forms.CharField(required=False, max_length=300)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    photos = MultipleFileField(
        label=_("Photos"),
        required=False,
        help_text=_(
            "Up to %(count)s photos (JPEG, PNG, WebP), %(size)s MB each. Location data in the "
            "photos is removed."
        )
        % {"count": MAX_PHOTOS, "size": settings.MAX_UPLOAD_BYTES // (1024 * 1024)},
    )
    idempotency_key = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp,image/gif"
        if not free_tags_allowed():
            del self.fields["free_tags"]
        if not self.is_bound and not self.initial.get("idempotency_key"):
            self.initial["idempotency_key"] = uuid.uuid4().hex

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lon") is None):
            data["lat"] = data["lon"] = None
        return data

    def free_tag_names(self) -> list[str]:
        raw = self.cleaned_data.get("free_tags") or ""
        return [t.strip() for t in raw.split(",") if t.strip()]


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    idempotency_key = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("idempotency_key"):
            self.initial["idempotency_key"] = uuid.uuid4().hex


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=IdeaStatus.choices)
    answer = forms.CharField(
        label=_("Public answer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10_000,
        help_text=_("Shown on the idea and sent to its supporters and followers."),
    )


class MergeForm(forms.Form):
    into = forms.IntegerField(
        label=_("Merge into idea number"),
        help_text=_("The number of the idea that stays. Supports and followers move to it."),
    )
