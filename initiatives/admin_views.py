"""Staff tools in the Wagtail admin: the initiatives, their signature lists, the status and the
council's decision. Moderation (publish, reject) is in the shared moderation queue."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from initiatives import exports, operations
from initiatives.forms import DecisionForm
from initiatives.models import Initiative, Status
from initiatives.permissions import can_handle
from participation.contributions.operations import ContributionError


def _require_staff(request):
    if not can_handle(request.user):
        raise PermissionDenied


@require_GET
def index(request):
    _require_staff(request)
    items = Initiative.objects.order_by("-created_at", "-pk")
    status = request.GET.get("status", "")
    if status in Status.values:
        items = items.filter(status=status)
    page = Paginator(items, 50).get_page(request.GET.get("p"))
    return render(
        request,
        "initiatives/admin/index.html",
        {
            "initiatives": page,
            "status": status,
            "statuses": Status.choices,
            "threshold": operations.signature_threshold(),
        },
    )


@require_http_methods(["GET", "POST"])
def detail(request, pk):
    _require_staff(request)
    initiative = get_object_or_404(Initiative.objects.select_related("decided_by"), pk=pk)
    initial = {}
    if initiative.decision_text:
        initial = {
            "text": initiative.decision_text,
            "date": initiative.decision_date,
            "case_number": initiative.decision_case_number,
        }
    form = DecisionForm(request.POST or None, initial=initial or None)
    if request.method == "POST" and form.is_valid():
        try:
            operations.do_post_decision(
                request.user,
                initiative,
                text=form.cleaned_data["text"],
                date=form.cleaned_data["date"],
                case_number=form.cleaned_data["case_number"],
            )
        except ContributionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The decision is published. Signers are told by e-mail."))
            return redirect("initiatives_admin:detail", pk=pk)
    return render(
        request,
        "initiatives/admin/detail.html",
        {
            "initiative": initiative,
            "form": form,
            "Status": Status,
            "threshold": operations.signature_threshold(),
            "xlsx": exports.xlsx_available(),
            "may_decide": initiative.status in (Status.READY, Status.DECIDED),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
def change_status(request, pk):
    _require_staff(request)
    initiative = get_object_or_404(Initiative, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "ready":
            operations.do_mark_ready(request.user, initiative)
            messages.success(request, _("The initiative is marked as sent to the council."))
        elif action == "close":
            operations.do_close(request.user, initiative)
            messages.success(request, _("The initiative is closed."))
        else:
            messages.error(request, _("Choose what to do."))
    except ContributionError as error:
        messages.error(request, error.message)
    return redirect("initiatives_admin:detail", pk=pk)


@require_GET
def export(request, pk, fmt):
    _require_staff(request)
    initiative = get_object_or_404(Initiative, pk=pk)
    if fmt == "xlsx" and exports.xlsx_available():
        content = exports.to_xlsx(initiative)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "csv":
        content = exports.to_csv(initiative)
        content_type = "text/csv; charset=utf-8"
    else:
        raise PermissionDenied
    name = slugify(initiative.title)[:50] or "initiative"
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="signatures-{initiative.pk}-{name}-{stamp}.{fmt}"'
    )
    response["Cache-Control"] = "no-store"
    return response
