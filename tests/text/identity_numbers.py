"""Valid identity numbers made for tests, so no real person's number is in the code."""

from datetime import date


def check_digits(nine: str) -> str | None:
    """The two mod-11 check digits for nine digits, or None when the number cannot be issued."""
    digits = [int(c) for c in nine]
    k1 = (11 - sum(w * d for w, d in zip((3, 7, 6, 1, 8, 9, 4, 5, 2), digits)) % 11) % 11
    digits.append(k1)
    k2 = (11 - sum(w * d for w, d in zip((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), digits)) % 11) % 11
    if 10 in (k1, k2):
        return None
    return f"{k1}{k2}"


def with_check_digits(birth: str, individual=123) -> str:
    """Six date digits, the first individual number from `individual` that can be issued, and
    its check digits."""
    while (checks := check_digits(f"{birth}{individual:03}")) is None:
        individual += 1
    return f"{birth}{individual:03}{checks}"


def make_identity_number(born: date, *, day_add=0, month_add=0, individual=123) -> str:
    """day_add=40 for a D-number, month_add=40 for an H-number, month_add=80 for Skatteetaten's
    synthetic test numbers."""
    birth = f"{born.day + day_add:02}{born.month + month_add:02}{born.year % 100:02}"
    return with_check_digits(birth, individual)


def fullwidth(digits: str) -> str:
    return "".join(chr(ord("０") + int(c)) for c in digits)


FNR_1985 = make_identity_number(date(1985, 2, 1))
