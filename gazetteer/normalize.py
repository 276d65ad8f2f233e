"""Keys for matching Arabic-origin place names across romanizations and scripts.

(Placeholder: the full rule tables are being written; the API is fixed.)
"""

from __future__ import annotations

import unicodedata

__all__ = ["is_arabic", "normalize", "skeleton"]


def is_arabic(text: str) -> bool:
    """Return True when ``text`` contains Arabic-script letters."""
    return any("\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" for ch in text)


def normalize(text: str) -> str:
    """Return the normalized matching key of a place name (idempotent, total)."""
    s = unicodedata.normalize("NFKD", text.casefold())
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return " ".join("".join(ch if ch.isalnum() else " " for ch in s).split())


def skeleton(text: str) -> str:
    """Return the coarse phonetic (consonant skeleton) key of a place name (idempotent, total)."""
    s = normalize(text).replace(" ", "")
    out = []
    for ch in s:
        if ch in "aeiouyw":
            continue
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)
