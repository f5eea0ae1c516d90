"""Background work for hearings; runs on the task worker (immediately in tests)."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from hearings.models import Submission
from participation.accounts.models import User


def _send(user: User, template: str, context: dict) -> None:
    if not user or not user.email:
        return
    with translation.override(user.preferred_language or "nb"):
        context = {**context, "user": user}
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject, text, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.send()


@task()
def send_submission_receipt(submission_id: int) -> None:
    submission = Submission.objects.select_related("hearing", "author").get(pk=submission_id)
    _send(submission.author, "hearings/email/receipt", {"submission": submission})


@task()
def send_response_published(submission_id: int) -> None:
    submission = Submission.objects.select_related("hearing", "author").get(pk=submission_id)
    _send(submission.author, "hearings/email/response", {"submission": submission})
