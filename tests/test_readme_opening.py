"""The README's opening says truthfully what ships and the date range."""

import re
from pathlib import Path

from trups_xl.core.conventions.calendars import FIRST_DAY, LAST_DAY
from trups_xl.core.securities.loading import shipped
from trups_xl.core.securities.terms import PERPETUAL_HORIZON

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _opening() -> str:
    return README[:README.index("\n## ")]


def test_every_shipped_security_is_listed_in_the_opening_by_id_and_name():
    block = README[README.index("<!-- shipped-securities:begin"):README.index("<!-- shipped-securities:end")]
    listed = re.findall(r"^- `(\w+)` — (.+?)(?: \(|$)", block, flags=re.MULTILINE)
    assert sorted(listed) == sorted((security_id, terms.name) for security_id, terms in shipped().items())


def test_the_opening_states_the_calendars_range_and_the_perpetual_horizon():
    opening = _opening()
    assert f"{FIRST_DAY.isoformat()} through {LAST_DAY.isoformat()}" in opening
    assert PERPETUAL_HORIZON.isoformat() in opening


def test_the_first_screen_shows_a_formula_a_typed_security_and_how_a_refusal_is_tested():
    """A new user sees, before anything else: a first formula and how to type a security of their own
    (in the first 25 lines), and before the Quick start how a refusal shows and how to test for it."""
    first_screen = "\n".join(README.splitlines()[:25])
    assert re.search(r"^\| `=TRUPS_\w+\(", first_screen, re.MULTILINE)
    assert "Type your own security" in first_screen
    opening = _opening()
    for said in ("#TRUPS!", "IFERROR", "ISNUMBER", 'LEFT(B7,7)="#TRUPS!"', "<!-- shipped-securities:begin"):
        assert said in opening, said
