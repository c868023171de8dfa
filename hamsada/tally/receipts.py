"""Receipts: a random code a supporter keeps, and its hash, which is all the
server keeps. The hash is of the code alone, so it says nothing about the
person; 100 random bits mean no one can find a code from its hash by trying.

A code is 20 characters of Crockford's base32 (0-9 and A-Z without I, L, O,
U), written in groups of four: 7KQ2-M9XD-3F8H-TW4B-N6CR. Reading it back
ignores case, spaces and hyphens, takes O for 0 and I or L for 1, and
accepts Persian digits.
The receipt hash is SHA-256 of the 20 characters in upper case, as ASCII.
"""

import hashlib
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 20
# Letters people misread, and digits typed on a Dari or Pashto keyboard.
MISREAD = str.maketrans("OIL۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01101234567890123456789")


def new_receipt() -> tuple[str, str]:
    """(code to give the supporter, hash to keep as hex)."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return grouped(code), receipt_hash(code)


def grouped(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise(text: str) -> str | None:
    """The code's 20 characters, or None when text cannot be a receipt code."""
    code = "".join(text.split()).replace("-", "").upper().translate(MISREAD)
    if len(code) != LENGTH or any(character not in ALPHABET for character in code):
        return None
    return code


def receipt_hash(code: str) -> str:
    return hashlib.sha256(normalise(code).encode("ascii")).hexdigest()
