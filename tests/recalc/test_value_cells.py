"""A computed value written as its cell, and a piece of a sheet part written at once: byte for byte what
the cell-by-cell walk writes (a plain dict of values takes that walk), whatever the values."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from trups_xl.recalc import writer
from trups_xl.recalc.computed import ComputedCells
from trups_xl.recalc.package import Scan
from trups_xl.recalc.value_cells import CellWriter, Styles, piece_at_once
from trups_xl.recalc.writer import rewrite_sheet

_STYLES_XML = (b'<styleSheet><numFmts count="0"/><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/>'
               b'<xf numFmtId="2"/></cellXfs></styleSheet>')


def _styles() -> Styles:
    return Styles(_STYLES_XML, Scan([], {}, ["General", "mm-dd-yy", "0.00"]))


def _sheet(rows: int, cols: int, styles: list[int]) -> bytes:
    """A part of ``rows`` x ``cols`` formula cells as openpyxl writes them, their styles taken in turn."""
    lines = []
    for r in range(1, rows + 1):
        cells = []
        for c in range(1, cols + 1):
            style = styles[(r * cols + c) % len(styles)]
            cells.append(f'<c r="{chr(64 + c)}{r}"' + (f' s="{style}"' if style else "") + f"><f>X{r}+{c}</f><v>0</v></c>")
        lines.append(f'<row r="{r}">' + "".join(cells) + "</row>")
    return ("<worksheet><sheetData>" + "".join(lines) + "</sheetData><pageMargins/></worksheet>").encode()


_VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.none(),
    st.booleans(),
    st.dates(min_value=dt.date(1899, 12, 31), max_value=dt.date(2099, 12, 31)),  # before 1900-03-01 too
    st.datetimes(min_value=dt.datetime(1899, 12, 31), max_value=dt.datetime(2099, 12, 31)),  # a time of day
    st.sampled_from([{"type": "Error", "kind": "Div"}, {"type": "Error", "kind": "Na"}]),
)


@settings(max_examples=300, deadline=None)
@given(rows=st.integers(1, 12), cols=st.integers(1, 4), styles=st.lists(st.sampled_from([0, 1, 2]), min_size=1,
                                                                        max_size=4),
       values=st.lists(_VALUES, min_size=48, max_size=48), dated=st.lists(st.booleans(), min_size=48, max_size=48))
def test_a_part_written_at_once_is_what_the_walk_cell_by_cell_writes(rows, cols, styles, values, dated):
    data = _sheet(rows, cols, styles)
    table = ComputedCells()  # kept as columns: the pieces are written at once
    plain = {}  # a plain mapping: the walk cell by cell
    k = 0
    for r in range(1, rows + 1):
        for c in range(1, cols + 1):
            table.put(r, c, values[k], dated[k])
            plain[(r, c)] = (values[k], dated[k])
            k += 1
    at_once, walked = _styles(), _styles()
    assert rewrite_sheet(data, table, at_once) == rewrite_sheet(data, plain, walked)
    assert at_once.rewritten() == walked.rewritten()  # the same date styles added, in the same order


def test_a_piece_whose_cells_are_not_the_next_computed_is_left_to_the_walk():
    data = _sheet(2, 2, [0])
    parts = writer._FORMULA_CELL_SPLIT.split(data)
    table = ComputedCells()
    for r, c in [(1, 1), (1, 2), (2, 2)]:  # B2... but A2 is not computed
        table.put(r, c, 1.0, False)
    keys, values = table.columns()
    cells = CellWriter(_styles())
    assert piece_at_once(parts, keys, values, 0, set(), {}, cells) is None
    every = ComputedCells()
    for r, c in [(1, 1), (1, 2), (2, 1), (2, 2)]:
        every.put(r, c, 1.0, False)
    keys, values = every.columns()
    assert piece_at_once(parts, keys, values, 0, set(), {}, cells) is not None
    odd = re.sub(rb'<c r="A1">', b'<c t="str" r="A1">', data)  # a tag of another shape
    assert piece_at_once(writer._FORMULA_CELL_SPLIT.split(odd), keys, values, 0, set(), {}, cells) is None


def test_numbers_are_written_as_python_writes_them_and_dates_get_a_date_style():
    data = _sheet(1, 3, [0, 2])
    table = ComputedCells()
    table.put(1, 1, 0.1 + 0.2, False)
    table.put(1, 2, 40_168.0, True)  # a serial shown as a date: its style given a date format
    table.put(1, 3, dt.date(2009, 12, 21), False)  # a date the engine computed: its serial, as a date
    out = rewrite_sheet(data, table, _styles())
    assert b"<v>0.30000000000000004</v>" in out
    assert re.search(rb'<c r="B1" s="3"><v>40168.0</v></c>', out)
    assert re.search(rb'<c r="C1"( s="\d")?><v>40168.0</v></c>', out)


def test_a_date_flag_on_a_cell_that_holds_no_number_adds_no_date_style():
    """A text or an error flagged as a date shows as it is: no date style is added for its style."""
    data = _sheet(1, 2, [2, 0])
    table = ComputedCells()
    table.put(1, 1, "no date", True)
    table.put(1, 2, 40_168.0, True)
    at_once, walked = _styles(), _styles()
    assert rewrite_sheet(data, table, at_once) == rewrite_sheet(data, dict(table.items()), walked)
    assert at_once.rewritten() == walked.rewritten()


def test_a_column_of_dates_is_written_at_once_not_cell_by_cell(monkeypatch):
    """Dates (what the engine's EDATE gives back) are numbers with a date style: no Python step per cell."""
    data = _sheet(50, 2, [0, 2])
    table = ComputedCells()
    for r in range(1, 51):
        table.put(r, 1, dt.date(2009, 12, 21) + dt.timedelta(days=r), False)
        table.put(r, 2, dt.datetime(2010, 1, 1, 12, 30) + dt.timedelta(days=r), True)
    expected = rewrite_sheet(data, dict(table.items()), _styles())
    calls = []
    original = CellWriter.xml
    monkeypatch.setattr(CellWriter, "xml", lambda self, *a: calls.append(a) or original(self, *a))
    assert rewrite_sheet(data, table, _styles()) == expected
    assert calls == []
