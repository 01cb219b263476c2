"""Usernames that could pass for another are refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headway.domain.usernames import scripts_of, username_problem

CYRILLIC_O = "\u043e"  # drawn like the Latin o


@pytest.mark.parametrize(
    "name", ["olivia", "josé", "Müller", "ivan_2", "o.livia@example.com", "иван", "ελένη",
             "田中たなか", "tanaka田中", "김민준", "kim김"],
)  # fmt: skip
def test_names_in_one_writing_system_are_accepted(name):
    assert username_problem(name) is None


@pytest.mark.parametrize(
    ("name", "says"),
    [
        (f"{CYRILLIC_O}livia", "mixes Cyrillic and Latin letters"),
        ("\u03b5\u03bb\u03ad\u03bd\u03b7a", "mixes Greek and Latin letters"),
        ("\u0438\u0432\u0430\u043divan", "mixes Cyrillic and Latin letters"),
        ("\uff4flivia", "write it as 'olivia'"),  # full-width o
        ("\ufb01ona", "write it as 'fiona'"),  # the fi ligature
    ],
)
def test_look_alikes_are_refused_with_the_reason(name, says):
    problem = username_problem(name)
    assert problem is not None
    assert says in problem


def test_digits_and_punctuation_belong_to_no_script():
    assert scripts_of("a_1.b-2@c+") == {"Latin"}


LATIN = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._", min_size=1, max_size=30)
LOOKALIKES = st.sampled_from(["\u043e", "\u0430", "\u0435", "\u0440", "\u0441", "\u03bf"])


@given(name=LATIN)
def test_every_ascii_name_is_accepted(name):
    assert username_problem(name) is None


@given(name=LATIN.filter(lambda n: any(c.isalpha() for c in n)), swap=LOOKALIKES,
       at=st.integers(min_value=0))  # fmt: skip
def test_one_foreign_look_alike_in_a_latin_name_is_refused(name, swap, at):
    at %= len(name) + 1
    assert username_problem(name[:at] + swap + name[at:]) is not None
