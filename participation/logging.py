"""A logging filter that keeps national identity numbers out of every log line."""

import logging

from participation.text.redact import IDENTITY_NUMBER_CANDIDATE


class RedactIdentityNumbers(logging.Filter):
    """Masks any 11-digit run in a log record; a log is no place to check mod-11."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if IDENTITY_NUMBER_CANDIDATE.search(message):
            record.msg = IDENTITY_NUMBER_CANDIDATE.sub("[fnr]", message)
            record.args = ()
        return True
