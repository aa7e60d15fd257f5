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
