import time

from allauth.account import app_settings as account_settings
from django import forms
from django.utils.translation import gettext_lazy as _

AUTHENTICATION_RECORDS = "account_authentication_methods"


def logged_in_recently(request) -> bool:
    """Whether the person logged in (by any method, ID-porten included) in the last minutes.

    allauth records every login in the session; the window is allauth's
    ACCOUNT_REAUTHENTICATION_TIMEOUT.
    """
    records = request.session.get(AUTHENTICATION_RECORDS)
    if not isinstance(records, list) or not records:
        return False
    at = records[-1].get("at") or 0
    return time.time() - at < account_settings.REAUTHENTICATION_TIMEOUT


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand, and I want to delete my account"),
        error_messages={"required": _("Tick the box to confirm that you want to delete it.")},
    )
    password = forms.CharField(
        label=_("Your password"),
        help_text=_("So that nobody else can delete your account from a computer you left."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            # ID-porten only: a fresh login (checked by the view) stands in for the password.
            del self.fields["password"]

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password
