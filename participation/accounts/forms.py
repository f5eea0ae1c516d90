from django import forms
from django.utils.translation import gettext_lazy as _

from participation.text.redact import IDENTITY_NUMBER_CANDIDATE, redact_personal_data


class DeclareNameForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        help_text=_(
            "Published with your comments and submissions. Use the name people know you by."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Write the name you want published."))
        # The name is published: keep contact details and identity numbers out of it.
        if (
            "@" in name
            or IDENTITY_NUMBER_CANDIDATE.search(name)
            or redact_personal_data(name).findings
        ):
            raise forms.ValidationError(
                _("Write only your name, without e-mail addresses or numbers.")
            )
        return name
