"""Organisations and who may act on their behalf, managed by staff in the Wagtail admin."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from participation.accounts.models import Membership, Organisation, User

_ORGANISATION_NUMBER_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def is_valid_organisation_number(number: str) -> bool:
    """Brønnøysundregistrene's nine digits, the last a mod-11 check digit."""
    if len(number) != 9 or not number.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number, _ORGANISATION_NUMBER_WEIGHTS, strict=False))
    check = 11 - total % 11
    return check != 10 and int(number[8]) == check % 11


class OrganisationForm(WagtailAdminModelForm):
    # Longer than the column: staff paste the number as the register prints it, "974 760 673".
    organisation_number = forms.CharField(
        label=_("organisation number"),
        max_length=20,
        required=False,
        help_text=_("The nine-digit number in Brønnøysundregistrene, if any."),
    )

    def clean_organisation_number(self):
        number = self.cleaned_data["organisation_number"].replace(" ", "")
        if number and not is_valid_organisation_number(number):
            raise ValidationError(
                _("Not an organisation number from Brønnøysundregistrene (e.g. 974 760 673).")
            )
        return number


class MembershipForm(WagtailAdminModelForm):
    # Residents number in the thousands: staff type the member's address, not pick from a list.
    user = forms.EmailField(
        label=_("member's e-mail address"),
        help_text=_("The e-mail address the person logs in with. They must have an account."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["user"] = self.instance.user.email

    def clean_user(self):
        email = self.cleaned_data["user"].strip()
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise ValidationError(
                _("No account has this e-mail address. Ask the person to sign up first.")
            )
        return user


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    list_display = [
        "name",
        "organisation_number",
        Column("member_count", label=_("Members")),
    ]
    search_fields = ["name", "organisation_number"]
    copy_view_enabled = False
    edit_handler = ObjectList(
        [FieldPanel("name"), FieldPanel("organisation_number")],
        base_form_class=OrganisationForm,
    )

    def get_queryset(self, request):
        return Organisation.objects.annotate(member_count=Count("memberships"))


class MembershipViewSet(SnippetViewSet):
    model = Membership
    icon = "user"
    menu_label = _("Members")
    list_display = [
        "user",
        Column("email", label=_("E-mail"), accessor="user.email"),
        "organisation",
        "role",
    ]
    list_filter = ["organisation", "role"]
    search_fields = ["user__email", "user__name", "organisation__name"]
    copy_view_enabled = False
    edit_handler = ObjectList(
        [FieldPanel("organisation"), FieldPanel("user"), FieldPanel("role")],
        base_form_class=MembershipForm,
    )

    def get_queryset(self, request):
        return Membership.objects.select_related("user", "organisation").order_by(
            "organisation__name", "user__email"
        )


class OrganisationGroup(SnippetViewSetGroup):
    items = (OrganisationViewSet, MembershipViewSet)
    menu_icon = "group"
    menu_label = _("Organisations")
    menu_name = "organisations"


register_snippet(OrganisationGroup)


# ---------------------------------------------------------------- the staff privacy page


@hooks.register("register_admin_urls")
def register_privacy_urls():
    from participation.accounts.privacy import admin_views

    return [
        path(
            "privacy/",
            include((admin_views.urlpatterns, "privacy_admin"), namespace="privacy_admin"),
        )
    ]


class PrivacyMenuItem(MenuItem):
    def is_shown(self, request):
        from participation.accounts.privacy.admin_views import can_view_privacy_admin

        return can_view_privacy_admin(request.user)


@hooks.register("register_admin_menu_item")
def register_privacy_menu_item():
    return PrivacyMenuItem(
        _("Privacy"),
        reverse_lazy("privacy_admin:overview"),
        name="privacy",
        icon_name="lock",
        order=900,
    )
