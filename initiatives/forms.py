import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from initiatives.operations import (
    MAX_DECISION_CHARS,
    MAX_JUSTIFICATION_CHARS,
    MAX_PROPOSAL_CHARS,
    MAX_TITLE_CHARS,
)


class InitiativeForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=MAX_TITLE_CHARS,
        help_text=_("What the council is asked to do, in a few words."),
    )
    proposal = forms.CharField(
        label=_("The proposal"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_PROPOSAL_CHARS,
        help_text=_("Exactly what you propose that the municipal council decides."),
    )
    justification = forms.CharField(
        label=_("Justification"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=MAX_JUSTIFICATION_CHARS,
        help_text=_(
            "Why the council should do this. The initiative is public with your name. Do not "
            "write your address, phone number or identity number."
        ),
    )
    idempotency_key = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("idempotency_key"):
            self.initial["idempotency_key"] = uuid.uuid4().hex


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("The council's decision"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=MAX_DECISION_CHARS,
        help_text=_("Shown publicly on the initiative; signers get it by e-mail."),
    )
    date = forms.DateField(
        label=_("Date of the decision"),
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=timezone.localdate,
    )
    case_number = forms.CharField(
        label=_("Case number"),
        max_length=50,
        required=False,
        help_text=_("The case number in the archive, e.g. 2025/1234 (optional)."),
    )
