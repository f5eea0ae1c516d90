"""Redaction of personal data from text that is about to be published."""

import re

# Eleven digits, optionally written 6+5 with a space or dot; not part of a longer number.
IDENTITY_NUMBER_CANDIDATE = re.compile(r"(?<!\d)\d{6}[ .]?\d{5}(?!\d)")
