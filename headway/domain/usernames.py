"""Which usernames are refused because they could pass for someone else's.

`olivia` spelt with a Cyrillic o (U+043E) looks exactly like `olivia` but is another account.
A username must be in Unicode's compatibility-composed form (NFKC: no full-width letters, no
ligatures) and its letters must come from one script, or from one of the combinations that
writing systems use together (Unicode TR 39, "highly restrictive"): Latin with Han and
Japanese kana, Latin with Han and Bopomofo, Latin with Han and Hangul.
"""

from __future__ import annotations

import unicodedata

# Letters whose Unicode name starts with these words belong to these scripts.
_PREFIXES = {"CJK": "Han", "KATAKANA-HIRAGANA": "Japanese kana"}
_ALLOWED_MIXES = (
    frozenset({"Latin", "Han", "Hiragana", "Katakana", "Japanese kana"}),
    frozenset({"Latin", "Han", "Bopomofo"}),
    frozenset({"Latin", "Han", "Hangul"}),
)


def script_of(letter: str) -> str:
    """The script of one letter, from its Unicode name (`LATIN SMALL LETTER O` -> Latin)."""
    first = unicodedata.name(letter, "UNKNOWN").split(" ")[0]
    return _PREFIXES.get(first, first.capitalize())


def scripts_of(text: str) -> set[str]:
    """The scripts of the letters in `text` (digits and punctuation belong to none)."""
    return {script_of(ch) for ch in text if ch.isalpha()}


def username_problem(username: str) -> str | None:
    """Why `username` is refused, as a sentence, or None if it is acceptable.

    Only the look-alike rule: length and allowed characters are checked by the caller's other
    validators (Django's UnicodeUsernameValidator).
    """
    normal = unicodedata.normalize("NFKC", username)
    if normal != username:
        return f"uses non-standard forms of characters; write it as {normal[:150]!r}"
    scripts = scripts_of(username)
    if len(scripts) <= 1 or any(scripts <= allowed for allowed in _ALLOWED_MIXES):
        return None
    names = " and ".join(sorted(scripts))
    return (
        f"mixes {names} letters, so it could pass for another name; use the letters of one alphabet"
    )
