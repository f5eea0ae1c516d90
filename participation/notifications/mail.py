"""A mail to one person in their language: `<template>_subject.txt`, `<template>.txt` and
`<template>.html`, rendered under `translation.override(user.preferred_language)`. Lazy values
in the context (e.g. `format_lazy` over `reverse_lazy`) resolve in that language too, so links
carry the reader's language prefix."""

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext


def sender() -> str:
    """The From of a mail, in the active language: the service by name ("Demo kommune –
    Medverknad" in nynorsk) at the one no-reply address."""
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((f"{settings.MUNICIPALITY_NAME} – {gettext('Participation')}", address))


def send_in_language(user, template: str, context: dict) -> bool:
    """Send it; False (nothing sent) for no person or no address."""
    if not user or not user.email:
        return False
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {**context, "user": user, "LANGUAGE_CODE": translation.get_language()}
        # One line: a title a resident wrote with a line break must not stop the mail.
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
        from_email = sender()
    message = EmailMultiAlternatives(subject, text, from_email=from_email, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.send()
    return True
