"""The README is a front door and the docs pages say what the code does: the README's length, every
relative link of README.md and docs/*.md, the counts the pages state, and the README's formulas."""

import datetime as dt
import re
from pathlib import Path

import pytest

from trups_xl.core.securities.loading import shipped
from trups_xl.excel import udfs  # noqa: F401  (registers the functions)
from trups_xl.excel.function import INPUT_ERROR_PREFIX, REGISTRY

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
#: The README's budget: a front door, with everything else one link away in docs/.
README_LIMIT = 25_000

_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
_FENCE = re.compile(r"^```.*?^```", re.M | re.S)


def _text(page: Path) -> str:
    return page.read_text(encoding="utf-8")


def _prose(text: str) -> str:
    """The page without its fenced code blocks (a link in a code block is not a link)."""
    return _FENCE.sub("", text)


def _slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(text: str) -> set[str]:
    seen: dict[str, int] = {}
    anchors = set()
    for heading in re.findall(r"^#{1,6} (.+)$", _prose(text), re.M):
        slug = _slug(heading)
        n = seen.get(slug, 0)
        anchors.add(slug if n == 0 else f"{slug}-{n}")
        seen[slug] = n + 1
    return anchors


def test_the_readme_is_a_front_door_of_at_most_25000_characters():
    assert len(_text(README)) <= README_LIMIT, f"README.md is {len(_text(README)):,} characters; move text to docs/"


def test_the_readme_links_every_docs_page():
    linked = set(_LINK.findall(_prose(_text(README))))
    for page in PAGES[1:]:
        assert f"docs/{page.name}" in linked, page.name


def test_the_slug_is_github_s():
    assert _slug("Conventions and the error contract") == "conventions-and-the-error-contract"
    assert _slug("LIBOR's end and the index policies") == "libors-end-and-the-index-policies"
    assert _slug("Headless recalculation: `trups-xl recalc`, `call`") == "headless-recalculation-trups-xl-recalc-call"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_relative_link_resolves(page):
    text = _text(page)
    links = _LINK.findall(_prose(text))
    for link in links:
        if re.match(r"^[a-z][a-z0-9+.-]*:", link):  # https:, mailto: ... not a file of the repository
            continue
        path, _, anchor = link.partition("#")
        target = (page.parent / path).resolve() if path else page
        assert target.exists(), f"{page.name}: {link} names no file"
        assert ROOT in target.parents or target == ROOT, f"{page.name}: {link} leaves the repository"
        if anchor:
            assert target.suffix == ".md", f"{page.name}: {link}"
            assert anchor in _anchors(_text(target)), f"{page.name}: {link}: no heading has the anchor #{anchor}"


def test_the_link_check_finds_a_broken_link(tmp_path):
    """The check above can fail: a link to a missing file and to a missing anchor are both caught."""
    (tmp_path / "a.md").write_text("# Title\n\n[x](b.md) [y](a.md#nope) [z](a.md#title)\n", encoding="utf-8")
    text = _text(tmp_path / "a.md")
    links = _LINK.findall(text)
    assert links == ["b.md", "a.md#nope", "a.md#title"]
    assert not (tmp_path / "b.md").exists()
    assert "nope" not in _anchors(text) and "title" in _anchors(text)


def _shipped_workbook_counts() -> tuple[int, int]:
    pytest.importorskip("formualizer")
    from trups_xl.recalc import recalculate

    result = recalculate(ROOT / "workbooks" / "citigroup_capital_xxi.xlsx")
    assert result.scan is not None
    return sum(len(sheet.formulas) for sheet in result.scan.sheets), len(result.spills)


def _numbers(pattern: str) -> list[tuple[str, int]]:
    found = []
    for page in PAGES:
        for match in re.finditer(pattern, _text(page)):
            found.append((page.name, int(match.group(1).replace(",", ""))))
    return found


def test_every_count_of_shipped_securities_and_functions_is_the_code_s():
    securities = _numbers(r"\b(\d[\d,]*) shipped securities")
    functions = _numbers(r"\b(\d[\d,]*) (?:Excel |`TRUPS_\*` )?functions\b")
    assert securities and functions
    assert all(n == len(shipped()) for _, n in securities), (securities, len(shipped()))
    assert all(n == len(REGISTRY) for _, n in functions), (functions, len(REGISTRY))


def test_the_counts_of_the_shipped_workbook_are_what_recalc_reports():
    """The docs' "N formula cells, M spilled tables" of the model workbook are the counts of one
    recalculation of it (the issue that asked for this found 68 stated where recalc evaluated 88)."""
    formulas, spills = _shipped_workbook_counts()
    stated = []
    for page in PAGES:
        stated += re.findall(r"model workbook \((\d[\d,]*) formula cells, (\d[\d,]*) spilled tables\)", _text(page))
    assert stated, "no page states the model workbook's counts"
    assert {(int(f.replace(",", "")), int(s.replace(",", ""))) for f, s in stated} == {(formulas, spills)}


_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}


def test_the_calendars_page_counts_and_names_the_code_s_calendars():
    from trups_xl.core.conventions.calendars import CALENDAR_SOURCES

    text = _text(ROOT / "docs" / "conventions.md")
    word = re.search(r"for all (\w+) calendars", text).group(1)
    assert _WORDS[word] == len(CALENDAR_SOURCES)
    listed = re.search(r"\(calendars: ([^)]+)\)", text).group(1)
    assert set(re.findall(r"`(\w+)`", listed)) == set(CALENDAR_SOURCES)


def test_the_count_of_days_that_differ_from_quantlib_is_the_calendar_test_s_list():
    """The page's "N weekdays that differ" is the number of days listed, with their reasons, in the
    test that compares every day with QuantLib."""
    import importlib.util

    pytest.importorskip("QuantLib")
    path = ROOT / "tests" / "core" / "conventions" / "test_calendars.py"
    spec = importlib.util.spec_from_file_location("calendars_against_quantlib", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    listed = sum(len(days) for days in module.KNOWN_DIFFERENCES.values())
    stated = _numbers(r"the (\d+) weekdays that differ")
    assert stated and all(n == listed for _, n in stated), (stated, listed)


def test_the_workbook_page_names_every_sheet():
    openpyxl = pytest.importorskip("openpyxl")
    text = _text(ROOT / "docs" / "workbook.md")
    listed = text[text.index("Sheets: "):text.index("\n\n", text.index("Sheets: "))]
    book = openpyxl.load_workbook(ROOT / "workbooks" / "citigroup_capital_xxi.xlsx", read_only=True)
    missing = [name for name in book.sheetnames if name not in listed.replace("\n", " ")]
    book.close()
    assert not missing, missing


# ---- the README's formulas ------------------------------------------------------------------------

_ROW = re.compile(r"^\| `=(TRUPS_\w+)\((.*)\)` \| ([^|]+?) \|", re.M)


def _cell(text: str):
    text = text.strip()
    if text == "":
        return None
    try:
        return float(text)
    except ValueError:
        return text.strip('"')


def _args(inner: str, table) -> list:
    import csv

    return [table if a.strip() == "A1:B8" else _cell(a) for a in next(csv.reader([inner], skipinitialspace=True))]


def _shown(value) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value if isinstance(value, str) else repr(round(value, 9))


def _typed_block() -> str:
    text = _text(README)
    return text[text.index("<!-- typed-security:begin"):text.index("<!-- typed-security:end")]


def _typed_table() -> list[list]:
    rows = re.findall(r"^\| (\w+) \| ([^|]+?) \|$", _typed_block(), re.M)
    table = [[term, _cell(value)] for term, value in rows if term != "term"]
    return [[t, int(v) if isinstance(v, float) and v.is_integer() and t != "fixed_rate" else v] for t, v in table]


def test_the_readme_s_formulas_answer_what_it_shows():
    """Each `=TRUPS_...` row of the README's tables (the shipped and the typed security) is what the
    function returns for those arguments, the typed table passed where the formula names A1:B8."""
    rows = _ROW.findall(_text(README))
    assert len(rows) >= 6
    table = _typed_table()
    for name, inner, shown in rows:
        got = REGISTRY[name](*_args(inner, table))
        if isinstance(got, float):
            assert round(got, 9) == float(shown), (name, inner, got, shown)
        else:
            assert _shown(got) == shown, (name, inner, got, shown)


def test_the_readme_s_first_figures_are_the_prospectus_arithmetic():
    """The README's first answers against arithmetic done here by hand, not against the code: XXI's
    8.300% on $1,000 at 30/360 (2008-12-21 to 2009-01-31 is 40 days; the first coupon is half a
    year), and the typed security's 7.5% on $25 (2024-03-15 to 2024-05-01 is 46 days of 30/360;
    a quarterly coupon is a quarter of a year)."""
    shown = {(name, inner): value for name, inner, value in _ROW.findall(_text(README))}
    assert float(shown[("TRUPS_ACCRUAL", '"2008-12-21","2009-01-31"')]) == round(1000 * 0.083 * 40 / 360, 9)
    assert float(shown[("TRUPS_COUPON", '"2008-06-21"')]) == 1000 * 0.083 / 2
    assert float(shown[("TRUPS_ACCRUED_INTEREST", '"2024-05-01",,,,,A1:B8')]) == round(25 * 0.075 * 46 / 360, 9)
    assert float(shown[("TRUPS_COUPON", '"2024-06-15",,,,,A1:B8')]) == 25 * 0.075 / 4
    make_whole = _text(ROOT / "docs" / "make_whole_example.md")
    assert "**1,266.246290**" in make_whole  # the hand-worked price, to its six printed decimals
    assert round(float(shown[("TRUPS_MAKE_WHOLE", '"2030-03-15",0.04')]), 6) == 1266.246290


def test_the_readme_s_refusal_is_the_function_s_and_is_text():
    text = _text(README)
    formula, message = re.search(r"`=(TRUPS_ACCRUAL\(.*?\))` shows\s+`(#TRUPS! [^`]+)`", text).groups()
    inner = formula[len("TRUPS_ACCRUAL("):-1]
    got = REGISTRY["TRUPS_ACCRUAL"](*_args(inner, None))
    assert isinstance(got, str) and got == message and got.startswith(INPUT_ERROR_PREFIX)


def test_a_refusal_passes_iferror_and_isnumber_catches_it(tmp_path):
    """What the README tells a model builder, on the headless engine: IFERROR and ISERROR do not see a
    #TRUPS! answer (it is text); ISNUMBER and LEFT(x,7)="#TRUPS!" do."""
    pytest.importorskip("formualizer")
    from books import write_book

    from trups_xl.recalc import recalculate

    path = write_book(tmp_path / "refusal.xlsx", {
        "A1": '=TRUPS_ACCRUAL("2008-12-21","2008-12-01")',
        "A2": "=IFERROR(A1,0)",
        "A3": "=ISERROR(A1)",
        "A4": "=ISNUMBER(A1)",
        "A5": '=LEFT(A1,7)="#TRUPS!"',
        "A6": "=IF(ISNUMBER(A1),A1,0)",
        "B1": '=TRUPS_ACCRUAL("2008-12-21","2009-01-31")',
        "B4": "=ISNUMBER(B1)",
        "B5": '=LEFT(B1,7)="#TRUPS!"',
    })
    values = recalculate(path).values
    message = "#TRUPS! end_date: end_date is before start_date"
    assert values[("Sheet", "A1")] == message
    assert values[("Sheet", "A2")] == message
    assert values[("Sheet", "A3")] is False
    assert values[("Sheet", "A4")] is False
    assert values[("Sheet", "A5")] is True
    assert values[("Sheet", "A6")] == 0
    assert values[("Sheet", "B4")] is True and values[("Sheet", "B5")] is False


# ---- the performance page's prose against the bench output it quotes ------------------------------

def _section(page: str, heading: str) -> str:
    text = _text(ROOT / "docs" / page)
    start = text.index(f"## {heading}")
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else len(text)]


def _fenced(section: str) -> str:
    start = section.index("```\n") + 4
    return section[start:section.index("\n```", start)]


def _half_up(text: str) -> int:
    """A printed figure rounded to a whole number as a reader does (70.5 -> 71)."""
    from decimal import ROUND_HALF_UP, Decimal

    return int(Decimal(text).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def test_what_a_cell_costs_states_its_bench_table_s_figures():
    """The prose under the latency table (bench/udf_latency.py's output, pasted from one run) states
    what the table shows: how many functions are over 10% slower and the slowest ratio, the one-cell
    figures it quotes, the date rows' ratios, the core-call and floor ratios, the grid times and the
    import times."""
    section = _section("performance.md", "What a cell costs")
    table = _fenced(section)
    prose = section[section.index("On this run:"):]
    per_call = {m[0]: (float(m[1]), float(m[2]), float(m[3]))
                for m in re.findall(r"^(TRUPS_\w+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$", table, re.M)}
    assert len(per_call) >= 30
    slower = sorted(name for name, (_, _, ratio) in per_call.items() if ratio > 1.10)
    assert int(re.search(r"(\d+) of the\s+functions are slower than before by more than 10%", prose).group(1)) == len(slower)
    listed = re.search(r"^slower by more than 10%: ([^;]*);", table, re.M).group(1).split(", ")
    assert sorted(listed) == slower
    ratio, name = re.search(r"the slowest ratio is ([\d.]+) \(`(TRUPS_\w+)`\)", prose).groups()
    assert max(per_call.items(), key=lambda item: item[1][2])[0] == name and per_call[name][2] == float(ratio)
    for name, after, before in re.findall(r"`(TRUPS_\w+)` ([\d.]+) µs against ([\d.]+) µs", prose):
        assert per_call[name][:2] == (float(before), float(after)), name
    dates_after, dates_before = re.search(r"cost ([\d.]+)× the same rows as\s+serials \(([\d.]+)× before\)", prose).groups()
    table_after = float(re.search(r"^after: .* = ([\d.]+)x$", table, re.M).group(1))
    table_before = float(re.search(r"^before: .* = ([\d.]+)x$", table, re.M).group(1))
    assert (float(dates_after), float(dates_before)) == (table_after, round(table_before, 1))

    def seconds(label: str) -> float:
        return float(re.search(rf"^{re.escape(label)}\s+[\d.]+\s+([\d.]+)\s+[\d.]+$", table, re.M).group(1))

    core = float(re.search(r"is ([\d.]+)× its core call", prose).group(1))
    accrual = seconds("TRUPS_ACCRUAL 100,000 pairs (serials)")
    assert round(accrual / seconds("core accrual 100,000 pairs (datetime64)"), 1) == core
    price, solve = re.search(r"1,000 × 1,000 take ([\d.]+) s and ([\d.]+) s", prose).groups()
    assert abs(seconds("TRUPS_TREASURY_PRICE 1000 x 1000") - float(price)) <= 0.005 + 1e-12  # to its 2 decimals
    assert abs(seconds("TRUPS_TREASURY_YIELD 1000 x 1000") - float(solve)) <= 0.005 + 1e-12
    grid = float(re.search(r"make-whole grid is ([\d.]+)× the numpy floor", prose).group(1))
    assert round(seconds("TRUPS_MAKE_WHOLE 1000 x 1000") / seconds("numpy floor 1000 x 1000 (written here)")) == grid
    imports = re.search(r"^import trups_xl.udfs\s+([\d.]+)\s+([\d.]+)$", table, re.M).groups()
    stated = re.search(r"Importing the add-in\s+takes ~(\d+) ms\s+\(~(\d+) ms before", prose).groups()
    assert (_half_up(imports[1]), _half_up(imports[0])) == tuple(int(s) for s in stated)
    first = re.search(r"^first TRUPS_ACCRUAL\s+[\d.]+\s+([\d.]+)$", table, re.M).group(1)
    assert _half_up(first) == int(re.search(r"the first `TRUPS_ACCRUAL` ~(\d+) ms", prose).group(1))


def test_the_scenario_figures_are_the_arithmetic_of_their_run():
    """The scenarios block (bench/scenarios.py's output) derives its per-scenario cost and its
    "N full recalculations" from the times it prints; both are recomputed here."""
    block = _fenced(_section("performance.md", "Scenarios and batches"))
    full = float(re.search(r"full recalculation .*?([\d.]+) s$", block, re.M).group(1))
    times = re.search(r"\(load included\)\s+([\d.]+) / ([\d.]+) / ([\d.]+) s", block).groups()
    one, hundred = float(times[0]), float(times[2])
    per, share = re.search(r"time per extra scenario\s+([\d.]+) s\s+\(([\d.]+)% of a full", block).groups()
    assert round((hundred - one) / 99, 3) == float(per)
    assert round(100 * float(per) / full, 1) == float(share)
    assert round(hundred / full, 2) == float(re.search(r"100 scenarios\s+([\d.]+) full recalculations", block).group(1))


def test_the_recalculation_ranges_are_the_bench_table_s_extremes():
    """"At 10,000 rows the shapes run from X (`a`) to Y (`b`) ...; peak memory is P to Q the floor's"
    states the lowest and highest ratios of the table's 10,000-row shapes, and the shapes it names as
    within 1.3x are those."""
    section = _section("performance.md", "Recalculation at the size of real models")
    table = _fenced(section)
    rows = []
    for line in table.splitlines()[1:]:
        cells = [c.strip() for c in line.split("|")]
        shape, size = cells[0].split()[:2]
        time_ratio, memory_ratio = (float(r.rstrip("x")) for r in cells[3].split())
        if size == "10,000":
            rows.append((time_ratio, memory_ratio, shape))
    assert len(rows) >= 4
    low, low_shape, high, high_shape, mem_low, mem_high = re.search(
        r"At 10,000 rows the shapes run from\s+([\d.]+)x\s+\(`(\w+)`\)\s+to\s+([\d.]+)x\s+\(`(\w+)`\)\s+their"
        r"\s+floor's\s+time;\s+peak\s+memory\s+is\s+([\d.]+)x\s+to\s+([\d.]+)x", section).groups()
    within = re.search(r"(\w+) shapes are within 1\.3x in\s+this run \(([^)]*)\)", section)
    words = {w: n for n, w in enumerate(("No One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve "
                                         "Thirteen").split())}
    named = set(re.findall(r"`(\w+)`", within.group(2)))
    assert named == {shape for time_ratio, _m, shape in rows if time_ratio <= 1.3}
    assert words[within.group(1)] == len(named)
    assert (min(rows)[0], min(rows)[2]) == (float(low), low_shape)
    assert (max(rows)[0], max(rows)[2]) == (float(high), high_shape)
    assert _half_up_tenth(min(r[1] for r in rows)) == float(mem_low)
    assert _half_up_tenth(max(r[1] for r in rows)) == float(mem_high)


def _half_up_tenth(value: float) -> float:
    from decimal import ROUND_HALF_UP, Decimal

    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def test_the_constants_the_pages_quote_are_the_code_s():
    """The LIBOR Act's tenor spreads and replacement date, and the hedge tests' small-change share and
    plausible magnitudes, as every page states them, are the values the code uses."""
    from trups_xl.core.pricing import hedge
    from trups_xl.core.rates.liboract import TENOR_SPREAD_ADJUSTMENT, libor_replacement_date

    spreads = {f"{100 * v:.5f}" for v in TENOR_SPREAD_ADJUSTMENT.values()}
    stated = {p for page in PAGES for p in re.findall(r"\b(0\.[1-9]\d{4})%", _text(page))}
    assert stated and stated <= spreads, (stated, spreads)
    day = libor_replacement_date()
    conventions = _text(ROOT / "docs" / "conventions.md")
    assert f"{day:%B} {day.day}, {day.year}" in conventions
    assert f"added from {day.isoformat()} on" in _text(ROOT / "docs" / "securities.md")
    hedging = _text(ROOT / "docs" / "hedge.md")
    share = re.search(r"default (\d+)%\s+of the mean absolute hedged change", hedging).group(1)
    assert share == f"{100 * hedge.SMALL_CHANGE_SHARE:.0f}"
    low, high = re.search(r"0, or (\S+) to (\S+) in absolute value", hedging).groups()
    assert (float(low), float(high)) == (hedge.MIN_CHANGE, hedge.MAX_CHANGE)


def test_the_workbook_page_s_issue_size_is_xxi_s():
    from trups_xl.core.securities.loading import TERMS

    issued = re.search(r"for all ([\d,]+)\)", _text(ROOT / "docs" / "workbook.md")).group(1)
    assert int(issued.replace(",", "")) == TERMS.securities_issued


def test_the_readme_s_first_security_is_xxi_s_terms():
    """The README's first line names the default security by its coupon and CUSIP, as its terms do."""
    from trups_xl.core.securities.loading import TERMS

    opening = _text(README)[:_text(README).index("\n## ")]
    coupon, cusip = re.search(r"Citigroup Capital XXI ([\d.]+)% .*?\(CUSIP (\w+)\)", opening, re.S).groups()
    assert (float(coupon) / 100, cusip) == (TERMS.fixed_rate, TERMS.cusip)


def test_the_ratios_without_the_import_are_the_step_table_s_sums():
    """"Summed from the table above without it, ours is within 1.3x of its floor on N of the M shapes:
    `shape` Xx (Yx with it), ..." are the 10,000-row rows of the steps table: ours' steps less its import,
    and all of them, over the floor's import, load and evaluation."""
    section = _section("performance.md", "Recalculation at the size of real models")
    blocks = section.split("```\n")
    steps = blocks[3]  # the second fenced block: the steps table
    rows: dict[str, dict[str, list[float]]] = {}
    for line in steps.splitlines()[1:]:
        head, figures = line.split("|", 1)
        shape, size, who = head.split()[0], head.split()[1], head.split()[2]
        if size == "10,000":
            rows.setdefault(shape, {})[who] = [float(x) for x in figures.split()]
    without = {s: sum(r["ours"][1:]) / sum(r["floor"]) for s, r in rows.items()}
    with_it = {s: sum(r["ours"]) / sum(r["floor"]) for s, r in rows.items()}
    count, total = re.search(r"ours\s+is\s+within\s+1\.3x\s+of\s+its\s+floor\s+on\s+(\d+)\s+of\s+the\s+(\d+)\s+shapes",
                             section).groups()
    assert (int(count), int(total)) == (sum(v <= 1.3 for v in without.values()), len(rows))
    if int(count) == int(total) - 1:  # the README's "without it, all but one shape is within 1.3x"
        assert re.search(r"without\s+it,\s+all\s+but\s+one\s+shape\s+is\s+within\s+1\.3x", _text(README))
    start = re.search(r"Summed\s+from\s+the\s+table\s+above", section).start()
    claims = " ".join(section[start:section.index("No step", start)].split())  # a figure cut by a line end too
    stated = re.findall(r"`(\w+)` (?:is over without it \()?([\d.]+)x(?: \(([\d.]+)x(?: with it)?\))?", claims)
    assert len(stated) >= 8
    for shape, ratio, whole in stated:
        assert f"{without[shape]:.2f}" == ratio, shape
        if whole:
            assert f"{with_it[shape]:.2f}" == whole, shape
