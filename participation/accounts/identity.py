"""The national identity number (fødselsnummer or D-number): checked, then only ever hashed.

The number itself is never stored, logged or shown. A keyed hash (HMAC-SHA256 with
settings.PID_HMAC_KEY) is enough to say "the same person" across logins; without the key
the hash cannot be reversed by trying all ~10^10 possible numbers.
"""

import hashlib
import hmac
import re

from django.conf import settings

_ELEVEN_DIGITS = re.compile(r"[0-9]{11}")
_FIRST_CHECK_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_SECOND_CHECK_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _check_digit(digits: str, weights: tuple[int, ...]) -> int | None:
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    digit = (11 - remainder) % 11
    # A remainder giving 10 means no valid number was issued with these first digits.
    return None if digit == 10 else digit


def is_valid_pid(value: object) -> bool:
    """True for 11 ASCII digits whose two mod-11 check digits are right.

    The date part is not checked: D-numbers (+4 on the first digit), H-numbers and the
    synthetic test identities in ID-porten's test environment (+80 on the month) are all
    real identities to us.
    """
    if not isinstance(value, str) or not _ELEVEN_DIGITS.fullmatch(value):
        return False
    first = _check_digit(value[:9], _FIRST_CHECK_WEIGHTS)
    second = _check_digit(value[:10], _SECOND_CHECK_WEIGHTS)
    return first == int(value[9]) and second == int(value[10])


def hash_pid(pid: str) -> str:
    """The keyed hash stored in User.pid_hash; raises ValueError for anything but a valid number."""
    if not is_valid_pid(pid):
        # The value stays out of the message: it may end up in a log.
        raise ValueError("Not a valid 11-digit national identity number")
    key = settings.PID_HMAC_KEY.encode()
    return hmac.new(key, pid.encode("ascii"), hashlib.sha256).hexdigest()
