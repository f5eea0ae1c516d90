"""Staff tools in the Wagtail admin: the ideas, their status and answer, merging duplicates."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ideabank import operations
from ideabank.forms import MergeForm, StatusForm
from ideabank.models import Idea, IdeaStatus
from ideabank.permissions import can_answer
from participation.contributions.operations import ContributionError


def _require_planner(request):
    if not can_answer(request.user):
        raise PermissionDenied


def idea_index(request):
    _require_planner(request)
    ideas = Idea.objects.select_related("area", "merged_into").order_by("-created_at", "-pk")
    q = request.GET.get("q", "").strip()
    if q:
        ideas = ideas.filter(Q(title__icontains=q) | Q(pk__in=[q] if q.isdigit() else []))
    status = request.GET.get("status", "")
    if status in IdeaStatus.values:
        ideas = ideas.filter(status=status)
    page = Paginator(ideas, 50).get_page(request.GET.get("p"))
    return render(
        request,
        "ideabank/admin/index.html",
        {"ideas": page, "q": q, "status": status, "statuses": IdeaStatus.choices},
    )


@require_http_methods(["GET", "POST"])
def set_status(request, pk):
    _require_planner(request)
    idea = get_object_or_404(Idea, pk=pk)
    form = StatusForm(request.POST or None, initial={"status": idea.status, "answer": idea.answer})
    if request.method == "POST" and form.is_valid():
        try:
            operations.do_set_status(
                request.user, idea, form.cleaned_data["status"], form.cleaned_data["answer"]
            )
        except ContributionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("The status of “%(title)s” is now %(status)s. Supporters and followers are told.")
                % {"title": idea.title, "status": idea.get_status_display()},
            )
            return redirect("ideabank_admin:index")
    return render(
        request, "ideabank/admin/status.html", {"idea": idea, "form": form, "merge": MergeForm()}
    )


@require_http_methods(["POST"])
def merge(request, pk):
    _require_planner(request)
    duplicate = get_object_or_404(Idea, pk=pk)
    form = MergeForm(request.POST)
    if form.is_valid():
        into = Idea.objects.filter(pk=form.cleaned_data["into"]).first()
        if into is None:
            form.add_error("into", _("There is no idea with that number."))
        else:
            try:
                operations.do_merge_ideas(request.user, duplicate, into)
            except ContributionError as error:
                form.add_error("into", error.message)
            else:
                messages.success(
                    request,
                    _("“%(dup)s” is merged into “%(into)s”.")
                    % {"dup": duplicate.title, "into": into.title},
                )
                return redirect("ideabank_admin:index")
    return render(
        request,
        "ideabank/admin/status.html",
        {
            "idea": duplicate,
            "form": StatusForm(initial={"status": duplicate.status, "answer": duplicate.answer}),
            "merge": form,
        },
        status=400,
    )
