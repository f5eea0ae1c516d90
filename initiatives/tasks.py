"""Background work for citizen initiatives; runs on the task worker (immediately in tests).

Each mail is claimed by a conditional UPDATE in the same transaction that sends it: a retried
or duplicated task finds the claim taken and mails no one; a failed send rolls it back.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import format_lazy
from django_tasks import task

from initiatives.models import Initiative, Signature, Status
from participation.accounts.models import User
from participation.notifications.mail import send_in_language


def _send(user: User, template: str, context: dict) -> None:
    """One mail to one active person, in their language, with links in that language."""
    if not user or not user.is_active:
        return
    initiative = context["initiative"]
    send_in_language(
        user,
        template,
        {
            **context,
            "url": format_lazy(
                "{}{}", settings.SITE_URL, reverse_lazy("initiatives:detail", args=[initiative.pk])
            ),
            "admin_url": format_lazy(
                "{}{}",
                settings.SITE_URL,
                reverse_lazy("initiatives_admin:detail", args=[initiative.pk]),
            ),
        },
    )


def staff_to_tell():
    """Planners: they take the initiative into the political case (export the signatures,
    put it on the council's agenda, post the decision)."""
    return (
        User.objects.filter(groups__name="planner", is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


@task()
def notify_staff_ready(initiative_id: int) -> int:
    """Tell the planners, once, that an initiative has enough signatures for the council."""
    with transaction.atomic():
        claimed = Initiative.objects.filter(
            pk=initiative_id, status=Status.READY, ready_notified_at__isnull=True
        ).update(ready_notified_at=timezone.now())
        if not claimed:
            return 0
        initiative = Initiative.objects.get(pk=initiative_id)
        recipients = list(staff_to_tell())
        for user in recipients:
            _send(user, "initiatives/email/ready", {"initiative": initiative})
    return len(recipients)


@task()
def notify_decision(initiative_id: int) -> int:
    """Tell every signer and the proposer about the council's decision, each once and in
    their own language. Returns how many were mailed by this run."""
    initiative = Initiative.objects.filter(pk=initiative_id, status=Status.DECIDED).first()
    if initiative is None:
        return 0
    sent = 0
    told = set()
    signatures = Signature.objects.filter(
        initiative=initiative, decision_notified_at__isnull=True, user__isnull=False
    ).values_list("pk", flat=True)
    for signature_id in list(signatures):
        with transaction.atomic():
            claimed = Signature.objects.filter(
                pk=signature_id, decision_notified_at__isnull=True
            ).update(decision_notified_at=timezone.now())
            if not claimed:
                continue
            signature = Signature.objects.select_related("user").get(pk=signature_id)
            if signature.user_id in told:
                continue
            told.add(signature.user_id)
            _send(signature.user, "initiatives/email/decision", {"initiative": initiative})
            sent += 1
    with transaction.atomic():
        claimed = Initiative.objects.filter(
            pk=initiative_id, author_decision_notified_at__isnull=True
        ).update(author_decision_notified_at=timezone.now())
        signed = Signature.objects.filter(initiative=initiative, user=initiative.author_id)
        if claimed and initiative.author_id and not signed.exists():
            _send(
                User.objects.get(pk=initiative.author_id),
                "initiatives/email/decision",
                {"initiative": initiative, "is_author": True},
            )
            sent += 1
    return sent
