"""Logging that keeps identity numbers and e-mail addresses out of every log line and mail.

`RedactPersonalData` cleans a whole record, not only its message: the arguments merged into
it, the exception text and traceback (an exception's message often quotes what a person
typed) and the stack. `configure()` (settings.LOGGING_CONFIG) puts it on every handler: ours
(console, mail to the admins) and those the servers set up before Django starts (uvicorn's
access and error logs). The admins' mail is built from the live exception (traceback, local
variables, the request), which no record filter reaches, so its handler cleans the mail too.
"""

import logging
import logging.config
import re

from django.utils.log import AdminEmailHandler

from participation.text.redact import IDENTITY_NUMBER_CANDIDATE

# Simpler than the redaction for publishing: a log is no place to check mod-11, and an
# over-eager mask costs nothing here.
EMAIL_ADDRESS = re.compile(r"[\w.+%'\-]{1,64}@[\w\-]{1,63}(?:\.[\w\-]{1,63})*\.[^\W\d_]{2,63}")


def clean(text: str) -> str:
    """`text` with every 11-digit run (a possible identity number) and e-mail address masked."""
    text = IDENTITY_NUMBER_CANDIDATE.sub("[fnr]", text)
    return EMAIL_ADDRESS.sub("[e-post]", text)


def _clean_arg(value):
    return clean(value) if isinstance(value, str) else value


def _message(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except (TypeError, ValueError, KeyError):  # arguments that do not fit: keep both
        return f"{record.msg} {record.args!r}"


class RedactPersonalData(logging.Filter):
    """Masks identity numbers and e-mail addresses in a record's message, exception and stack."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "personal_data_removed", False):
            return True  # one record, several handlers: cleaned by the first
        self._clean_message(record)
        if record.exc_info and not record.exc_text:
            # Formatters print exc_text when it is set, so the traceback is printed cleaned.
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = clean(record.exc_text)
        if record.stack_info:
            record.stack_info = clean(record.stack_info)
        record.personal_data_removed = True
        return True

    @staticmethod
    def _clean_message(record: logging.LogRecord) -> None:
        message = _message(record)
        if clean(message) == message:
            return
        # Clean the arguments one by one where that suffices, so a formatter that reads them
        # (uvicorn's access log unpacks client, method, path, version, status) still works.
        if isinstance(record.msg, str):
            if isinstance(record.args, tuple):
                record.msg, record.args = clean(record.msg), tuple(map(_clean_arg, record.args))
            elif isinstance(record.args, dict):
                args = {key: _clean_arg(value) for key, value in record.args.items()}
                record.msg, record.args = clean(record.msg), args
            cleaned = _message(record)
            if clean(cleaned) == cleaned:
                return
        # An argument that is not text (an object whose str() holds an e-mail): the whole line.
        record.msg, record.args = clean(message), ()


class RedactingAdminEmailHandler(AdminEmailHandler):
    """Django's error mail to the ADMINS, with identity numbers and e-mail addresses masked."""

    def send_mail(self, subject, message, *args, **kwargs):
        if kwargs.get("html_message"):
            kwargs["html_message"] = clean(kwargs["html_message"])
        super().send_mail(clean(subject), clean(message), *args, **kwargs)


def protect_every_handler() -> None:
    """Adds the filter to each handler of each logger that does not have it yet."""
    manager = logging.Logger.manager
    loggers = [logging.getLogger()] + [
        logger for logger in manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    for logger in loggers:
        for handler in logger.handlers:
            if not any(isinstance(f, RedactPersonalData) for f in handler.filters):
                handler.addFilter(RedactPersonalData())


def configure(config: dict) -> None:
    """settings.LOGGING_CONFIG: Django's dictConfig, then the filter on every handler."""
    logging.config.dictConfig(config)
    protect_every_handler()
