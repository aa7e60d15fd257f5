"""The Excel boundary's last holes (issue 12): each exact call reported, now one #TRUPS! line
(at most 255 characters) or the documented behaviour."""

import datetime as dt

import pytest

from trups_xl.core.conventions import calendars
from trups_xl.core.pricing.redemption import make_whole
from trups_xl.core.securities.loading import TERMS
from trups_xl.excel import udfs
from trups_xl.excel.function import WIZARD_LIMIT


def _refused(result, argument: str, *fragments: str) -> None:
    assert isinstance(result, str) and result.startswith(f"#TRUPS! {argument}:"), result
    assert len(result) <= WIZARD_LIMIT and "\n" not in result
    for fragment in fragments:
        assert fragment in result, result


def test_tiny_share_prices_are_refused_not_an_overflow():
    _refused(udfs.TRUPS_SHARE_CAP_REQUIRED("2011-06-21", 500000000, 1e-300), "average_price", "0.0001")
    _refused(udfs.TRUPS_SHARES_SALEABLE(1e13, 1e-300, "2012-01-03"), "price", "price per share")


def test_an_unknown_term_is_a_short_line():
    _refused(udfs.TRUPS_TERMS("abc"), "term", "unknown term text 'abc'", "TRUPS_TERMS()")


def test_every_message_fits_a_cell():
    long_choice = udfs.TRUPS_CRC_PERCENTAGE("2027-12-21", "x" * 400)
    assert len(long_choice) <= WIZARD_LIMIT


def test_an_excel_error_in_the_first_row_is_not_a_header():
    result = udfs.TRUPS_INDEX_RATE("2037-12-21", "fixings", [["Dec 21 2037", "#N/A"], ["2038-03-21", 0.04]], 0.03)
    _refused(result, "fixings", "row 1")
    result = udfs.TRUPS_INDEX_RATE("2037-12-21", "fixings", [["2037-12-21", "#N/A"]], 0.03)
    _refused(result, "fixings")
    assert udfs.TRUPS_INDEX_RATE("2037-12-21", "fixings", [["period_start", "rate"], ["2037-12-21", 0.045]]) == 0.045


def test_a_blank_corporate_actions_range_means_the_shipped_actions():
    assert udfs.TRUPS_SHARE_CAP("2011-05-09", [[None, None], [None, None]]) == 19_500_000
    assert udfs.TRUPS_SHARE_CAP("2011-05-09") == 19_500_000


def test_date_text_is_strict():
    _refused(udfs.TRUPS_ACCRUAL("2008-12-21", "2009-01-31 #REF! ??"), "end_date", "YYYY-MM-DD")
    _refused(udfs.TRUPS_ACCRUAL("2008-12-21", "2009-01-31abcdefghi"), "end_date")
    assert udfs.TRUPS_ACCRUAL("2008-12-21", "2009-01-31 10:30") == udfs.TRUPS_ACCRUAL("2008-12-21", "2009-01-31")
    assert udfs.TRUPS_ACCRUAL("2008-12-21", "2009-01-31T10:30:15") == udfs.TRUPS_ACCRUAL("2008-12-21", "2009-01-31")


@pytest.mark.parametrize(("call", "argument"), [
    (lambda: udfs.TRUPS_MAKE_WHOLE("2030-03-15", -0.9999), "treasury_rate"),
    (lambda: udfs.TRUPS_PRICE_FROM_YIELD("2012-06-08", -0.9999), "yield_rate"),
    (lambda: udfs.TRUPS_COUPON("2038-03-21", -0.9999), "fixings"),
])
def test_implausible_rates_are_refused_with_the_range(call, argument):
    _refused(call(), argument, "plausible range -10%..50%")


def test_a_spread_typed_as_percent_or_basis_points_is_caught():
    _refused(udfs.TRUPS_MAKE_WHOLE("2030-03-15", 0.04, 0.5), "spread", "0%..10%", "basis points")
    _refused(udfs.TRUPS_MAKE_WHOLE("2030-03-15", 0.04, 50), "spread")


def test_libor_quotes_are_at_most_what_p41_asks_for():
    _refused(udfs.TRUPS_LIBOR_FROM_QUOTES([[0.05]], [[0.05, 0.051, 0.052, 0.053]]), "new_york_quotes", "at most 3")
    _refused(udfs.TRUPS_LIBOR_FROM_QUOTES([[0.05, 0.051, 0.052, 0.053, 0.054]]), "london_quotes", "at most 4")
    assert udfs.TRUPS_LIBOR_FROM_QUOTES([[0.05]], [[0.05, 0.051, 0.052]]) == 0.051


@pytest.mark.parametrize(("code", "name"), [(-2146826243, "#SPILL!"), (-2146826238, "#CALC!"),
                                            (-2146826245, "#GETTING_DATA"), (-2146826246, "#N/A")])
def test_excel_error_integers_are_named(code, name):
    _refused(udfs.TRUPS_ACCRUAL(code, "2009-01-31"), "start_date", f"upstream Excel error {name}")
    _refused(udfs.TRUPS_MAKE_WHOLE("2030-03-15", code), "treasury_rate", f"upstream Excel error {name}")


def test_data_error_is_known():
    _refused(udfs.TRUPS_ACCRUAL("#DATA!", "2009-01-31"), "start_date", "upstream Excel error #DATA!")


def test_a_range_where_one_value_is_expected_is_refused_by_its_shape():
    big = [[0.0] * 1000 for _ in range(1000)]
    _refused(udfs.TRUPS_MAKE_WHOLE("2030-03-15", 0.04, big), "spread", "1000x1000")
    _refused(udfs.TRUPS_ACCRUAL("2008-12-21", "2009-01-31", None, big), "principal", "1000x1000")


@pytest.fixture()
def closures(monkeypatch):
    def use(path):
        monkeypatch.setenv(calendars.CLOSURES_ENV, str(path))
        calendars.reload_closures()
        from trups_xl.core.scheduling.schedule import build_schedule
        build_schedule.cache_clear()
    yield use
    monkeypatch.delenv(calendars.CLOSURES_ENV, raising=False)
    calendars.reload_closures()
    from trups_xl.core.scheduling.schedule import build_schedule
    build_schedule.cache_clear()


@pytest.mark.parametrize("kind", ["missing", "directory", "not-utf8", "device", "too-big"])
def test_a_bad_closures_file_is_one_line_naming_the_variable(tmp_path, closures, kind):
    path = {"missing": tmp_path / "nope.csv", "directory": tmp_path, "device": "/dev/zero"}.get(kind)
    if kind == "not-utf8":
        path = tmp_path / "latin1.csv"
        path.write_bytes("new_york,2030-01-02 # café".encode("latin-1"))
    if kind == "too-big":
        path = tmp_path / "big.csv"
        path.write_text("new_york,2030-01-02\n" * 60_000)
    closures(path)
    _refused(udfs.TRUPS_REDEMPTION_PAYMENT_DATE("2030-01-01"), "TRUPS_XL_CLOSURES")


def test_a_closures_file_saved_as_csv_utf8_with_a_bom_is_read(tmp_path, closures):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffcalendar,date\nnew_york,2030-01-02\n".encode())
    closures(path)
    assert udfs.TRUPS_REDEMPTION_PAYMENT_DATE("2030-01-02") == dt.date(2030, 1, 3)


def test_the_31st_day_reading_of_the_make_whole():
    # 2009-12-31: accrued 2009-12-21 -> 12-31 is 10 days 30/360. Next coupon 2010-06-21.
    direct = make_whole("2009-12-31", 0.04, terms=TERMS)
    excel = make_whole("2009-12-31", 0.04, count="period_less_accrued", terms=TERMS)
    assert int(direct.days_to_next) == 171  # 30/360: D1 = 31 -> 30; 180 + 6 x 30... = 171
    assert int(excel.days_to_next) == 170  # E - A = 180 - 10, Excel PRICE basis 0
    # hand computation at 4.50% (4% + 0.50%), semi-annual: 56 coupons after the first, w = days / 180
    v = 1 / 1.0225
    for out, days in ((direct, 171), (excel, 170)):
        w = days / 180
        first = 41.5 - 1000 * 0.083 * 10 / 360
        pv = v ** w * (first + sum(41.5 * v ** k for k in range(1, 56)) + 1000 * v ** 55)
        assert float(out.pv) == pytest.approx(pv, rel=1e-13)
    on_other_days = (make_whole("2009-12-30", 0.04, terms=TERMS),
                     make_whole("2009-12-30", 0.04, count="period_less_accrued", terms=TERMS))
    assert float(on_other_days[0].price) == float(on_other_days[1].price)
    assert udfs.TRUPS_MAKE_WHOLE("2009-12-31", 0.04, None, None, None, "period_less_accrued") == float(excel.price)
