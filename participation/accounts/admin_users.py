"""Wagtail's users admin with the fields staff set on our User: an elected representative's
party and role (the badge beside their posts) and the language of their mail.

Wagtail 6+ customises the user forms through the users app's `user_viewset`, not settings.
"""

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import IndexView as WagtailUserIndexView
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

EXTRA_FIELDS = ("name", "political_role", "preferred_language")
POLITICAL_ROLE_HELP = _(
    "Party, role and term of an elected representative, e.g. 'Ap, bystyret 2023–2027'. "
    "Shown as a badge beside their posts when they are in the politician group."
)


def _adapt(form) -> None:
    form.fields["political_role"].help_text = POLITICAL_ROLE_HELP
    # People here have one published `name` (ID-porten gives no split); Wagtail's first and
    # last name are optional, or staff could not save a person who never gave them.
    for field in ("first_name", "last_name"):
        form.fields[field].required = False


class UserEditWithRoleForm(UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | set(EXTRA_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _adapt(self)


class UserCreationWithRoleForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | set(EXTRA_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _adapt(self)


class UserIndexView(WagtailUserIndexView):
    """The users list with the e-mail address where Wagtail shows the username: for an
    ID-porten account that is an internal "user-<hex>" nobody knows them by."""

    @cached_property
    def columns(self):
        return [
            Column("email", label=_("E-mail"), sort_key="email", classname="username", width="20%")
            if getattr(column, "name", None) == "username"
            else column
            for column in super().columns
        ]


class UserViewSet(WagtailUserViewSet):
    index_view_class = UserIndexView
    create_template_name = "accounts/admin_users/create.html"
    edit_template_name = "accounts/admin_users/edit.html"

    def get_form_class(self, for_update=False):
        return UserEditWithRoleForm if for_update else UserCreationWithRoleForm
