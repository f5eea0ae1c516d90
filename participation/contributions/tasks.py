"""Background work for moderation; runs on the task worker (immediately in tests)."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from participation.contributions.models import Contribution

DECISIONS = {"published", "rejected"}


@task()
def notify_author_of_decision(contribution_id: int, decision: str) -> None:
    """Tell the author that their post was published, or rejected and why, in their language."""
    if decision not in DECISIONS:
        raise ValueError(f"Unknown decision {decision!r}")
    contribution = (
        Contribution.objects.select_related("author", "discussion")
        .filter(pk=contribution_id)
        .first()
    )
    if contribution is None or contribution.author is None or not contribution.author.email:
        return
    # The decision may have been reversed before the task ran: tell only what still holds.
    if contribution.state != decision:
        return
    user = contribution.author
    template = f"contributions/email/{decision}"
    with translation.override(user.preferred_language or "nb"):
        context = {
            "user": user,
            "contribution": contribution,
            "LANGUAGE_CODE": translation.get_language(),
        }
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject, text, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.send()
