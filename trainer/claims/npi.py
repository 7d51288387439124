"""NPI check digit: the Luhn formula over the NPI with the 80840 card-issuer prefix (CMS,
"Requirements for NPI Check Digit"); 24 is what the prefix contributes to the sum."""
from __future__ import annotations


def _sum(first_nine: str) -> int:
    total = 24
    for i, ch in enumerate(reversed(first_nine)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total


def check_digit(first_nine: str) -> int:
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise ValueError("the first nine digits of an NPI are needed")
    return (10 - _sum(first_nine) % 10) % 10


def npi_ok(npi: str) -> bool:
    """Ten digits, starting with 1 or 2, whose last digit is the check digit of the first nine."""
    npi = str(npi or "")
    return len(npi) == 10 and npi.isdigit() and npi[0] in "12" and check_digit(npi[:9]) == int(npi[9])
