"""Residents report a published post. Thin: parse, call `moderation.do_report`, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from participation.contributions import moderation
from participation.contributions.forms import ReportForm
from participation.contributions.models import Contribution
from participation.contributions.operations import ContributionError
from participation.contributions.permissions import can_view_discussion
from participation.ratelimit import limit_posts


def _back_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return "/"
    return target


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("report")
def report(request, pk):
    contribution = (
        Contribution.objects.select_related("discussion")
        .filter(pk=pk, state=Contribution.State.PUBLISHED)
        .first()
    )
    # Only what the person can already read: anything else is a 404, not a leak.
    if contribution is None or not can_view_discussion(request.user, contribution.discussion):
        raise Http404
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.do_report(
                request.user, contribution, form.cleaned_data["reason"], form.cleaned_data["text"]
            )
        except ContributionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you. A moderator will look at the post."))
            return redirect(_back_url(request))
    return render(
        request,
        "contributions/report.html",
        {"contribution": contribution, "form": form, "next": _back_url(request)},
    )
