import uuid

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from participation.accounts.models import Organisation


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class SubmissionForm(forms.Form):
    body = forms.CharField(
        label=_("Your submission"),
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=100_000,
        help_text=_(
            "Submissions are public documents and are published with your name. Do not write "
            "your address, phone number or identity number: we remove them from what is "
            "published, but they stay in the case."
        ),
    )
    organisation = forms.ModelChoiceField(
        label=_("Send as"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Myself"),
    )
    name_withheld_requested = forms.BooleanField(
        label=_("I ask to have my name withheld when the submission is published"),
        required=False,
        help_text=_("The planner decides. The municipality still sees your name."),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, images or Office documents, up to %(size)s MB each.")
        % {"size": settings.MAX_UPLOAD_BYTES // (1024 * 1024)},
    )
    attachment_tokens = forms.CharField(required=False, widget=forms.HiddenInput)
    idempotency_key = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.is_authenticated:
            self.fields["organisation"].queryset = Organisation.objects.filter(
                memberships__user=user
            )
        if not self.fields["organisation"].queryset.exists():
            del self.fields["organisation"]
        if not self.is_bound and not self.initial.get("idempotency_key"):
            self.initial["idempotency_key"] = uuid.uuid4().hex

    def tokens(self) -> list[str]:
        """The attachments a preview carried (each checked again when it is used)."""
        raw = self.cleaned_data.get("attachment_tokens") or ""
        return list(dict.fromkeys(t for t in raw.split(",") if t))


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10_000
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    section = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    idempotency_key = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("idempotency_key"):
            self.initial["idempotency_key"] = uuid.uuid4().hex
