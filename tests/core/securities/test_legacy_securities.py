"""The legacy securities shipped (issued 1996-2007), each reproducing a figure its issuer published.

Every figure is computed through the Excel functions from the shipped terms and compared with the
published digits exactly as printed (rounded to the number of decimals printed, then equal). Where
a figure tells apart two readings of a term nobody here read (30/360 against Actual/360, accrual
from the adjusted or the scheduled date, the fixing a day early or late), the test asserts that the
other reading misses it: that is the evidence docs/TERMS.md gives for each inferred term.

Fixed-rate figures are the accrued distributions issuers announced with a redemption (the amount
per security paid on the redemption date on top of the redemption price). Floating-rate figures are
either such an amount or the rate in effect that the issuer's 10-Q/10-K printed; a floater's rate
is that period's three-month USD LIBOR fixing plus the margin. The fixings are ICE Benchmark
Administration's (earlier BBA's) three-month USD LIBOR as republished by the Federal Reserve Bank
of St. Louis, FRED series USD3MTD156N (daily, percent, dated by the London fixing date). FRED
withdrew the series in 2022; the values here were read in a CSV download of it committed to a public
repository: github.com/alex-sh-yau/vasicek_stochastic_model, file USD3MTD156N.csv, commit
7cb23d08be42af7fe85190203460a934259ca439 (rows 1986-01-02 to 2019-10-18).
"""

import datetime as dt

import pytest

from trups_xl.core.securities.loading import by_name, shipped, sources
from trups_xl.excel import udfs

D = dt.date

#: Per security, the terms nobody here read in an issuer's document: inferred from the published
#: figures, or assumed where no figure depends on them (docs/TERMS.md gives the reasoning for each).
NOT_READ: dict[str, set[str]] = {
    "citigroup_capital_xvii": set(),
    "bac_capital_trust_i": {"maturity_date", "fixed_day_count"},
    "bac_capital_trust_iii": {"maturity_date", "fixed_day_count"},
    "bac_capital_trust_viii": {"maturity_date", "fixed_day_count"},
    "merrill_lynch_capital_trust_ii": {"fixed_day_count"},
    "bac_capital_trust_xi": {"maturity_date", "fixed_day_count"},
    "nb_capital_trust_iii": {"issue_date", "first_payment_date", "maturity_date", "floating_margin",
                             "floating_frequency", "floating_day_count", "business_day_convention",
                             "floating_accrual", "libor_determination_lag"},
    "keycorp_capital_i": {"liquidation_amount", "issue_date", "first_payment_date", "maturity_date", "floating_index",
                          "floating_margin", "floating_frequency", "floating_day_count", "business_day_convention",
                          "libor_determination_lag"},
    "huntington_capital_i": {"liquidation_amount", "issue_date", "first_payment_date", "maturity_date",
                             "floating_frequency", "floating_day_count", "business_day_convention",
                             "libor_determination_lag"},
    "huntington_capital_ii": {"liquidation_amount", "issue_date", "first_payment_date", "maturity_date",
                              "floating_frequency", "floating_day_count", "business_day_convention",
                              "libor_determination_lag"},
}
LEGACY = tuple(NOT_READ)
PURE_FLOATERS = tuple(security for security in LEGACY if by_name(security).is_pure_floater)


def _accrued(security: str, day: str, fixings: object = None) -> float:
    value = udfs.TRUPS_ACCRUED_INTEREST(day, fixings, None, None, None, security)
    assert isinstance(value, float), value
    return value


def _with(security: str, **changes: object) -> list[list[object]]:
    """The shipped security as a terms table with some terms changed: another reading of them."""
    return [["base", security], *([term, value] for term, value in changes.items())]


def _period(security: object, day: str, fixings: object) -> dict[str, object]:
    """TRUPS_SCHEDULE's row of the interest period in effect on ``day``."""
    paid = udfs.TRUPS_NEXT_PAYMENT_DATE(day, security)
    header, row = udfs.TRUPS_SCHEDULE(paid, paid, fixings, None, None, None, security)
    period = dict(zip(header, row, strict=True))
    assert period["accrual_start"] <= D.fromisoformat(day) < period["accrual_end"], period
    return period


# ---- what ships ----------------------------------------------------------------------------------

def test_the_legacy_securities_ship_with_their_structures():
    """Eight or more, issued 1996-2007, from at least three issuers, two or more pure floaters and
    two or more issued before 2000; fixed $25 retail and $1,000 institutional among them."""
    securities = {security: shipped()[security] for security in LEGACY}
    assert len(securities) >= 8
    assert all(D(1996, 1, 1) <= t.issue_date <= D(2007, 12, 31) for t in securities.values())
    assert {security for security, t in securities.items() if t.issue_date.year < 2000} == {
        "nb_capital_trust_iii", "keycorp_capital_i", "huntington_capital_i", "huntington_capital_ii"}
    assert set(PURE_FLOATERS) == {"nb_capital_trust_iii", "keycorp_capital_i", "huntington_capital_i",
                                  "huntington_capital_ii"}
    issuers = {"Citigroup": "citigroup_capital_xvii", "Bank of America": "bac_capital_trust_i",
               "Merrill Lynch": "merrill_lynch_capital_trust_ii", "KeyCorp": "keycorp_capital_i",
               "Huntington": "huntington_capital_ii"}
    assert set(issuers.values()) <= set(securities)
    assert {t.liquidation_amount for t in securities.values() if not t.is_pure_floater} == {25.0, 1000.0}


@pytest.mark.parametrize("security", LEGACY)
def test_each_legacy_security_is_listed_by_trups_terms_and_named_by_id_or_cusip(security):
    assert security in shipped()
    table = dict(udfs.TRUPS_TERMS(None, security))
    assert table["id"] == security
    cusip = by_name(security).cusip
    if cusip:
        assert by_name(cusip.lower()) is by_name(security)
        assert udfs.TRUPS_TERMS("name", cusip) == table["name"]


@pytest.mark.parametrize("security", LEGACY)
def test_a_term_nobody_read_says_so_in_its_source_and_no_other_does(security):
    """An inference is never presented as a quotation: exactly the terms listed as not read have a
    source starting "inferred" or "NOT READ", and every such source says why."""
    said = {term for term, source in sources(security).items() if source.startswith(("inferred", "NOT READ"))}
    assert said == NOT_READ[security]
    assert all(len(sources(security)[term]) > 60 for term in said)


# ---- fixed $25 retail TruPS: accrued distributions announced with a redemption ---------------------

def test_citigroup_capital_xvii_accrued_to_its_redemption_on_2014_04_28():
    """Citigroup, "Citigroup Announces $2 Billion Redemption of Trust Preferred Securities" (Business
    Wire, 2014): Capital XVII (CUSIP 17311H209) redeemed April 28, 2014 at "$25 plus $0.18962 in
    accumulated and unpaid distributions". Terms: Citigroup's term sheet, FWP under Rule 433,
    accession 0000950123-07-002866 (day count 30/360 read there). 43 days of 30/360 from the
    scheduled March 15, 2014 (a Saturday: fixed periods accrue unadjusted)."""
    assert round(_accrued("citigroup_capital_xvii", "2014-04-28"), 5) == 0.18962
    assert udfs.TRUPS_PREVIOUS_PAYMENT_DATE("2014-04-28", "citigroup_capital_xvii") == D(2014, 3, 15)
    assert round(_accrued(_with("citigroup_capital_xvii", fixed_day_count="ACT/360"), "2014-04-28"), 5) != 0.18962


@pytest.mark.parametrize(("security", "published", "decimals"), [
    ("bac_capital_trust_i", 0.243056, 6),  # 50 days from September 15, 2012
    ("bac_capital_trust_iii", 0.388889, 6),  # 80 days from August 15, 2012
])
def test_bac_capital_trusts_accrued_to_their_redemption_on_2012_11_05(security, published, decimals):
    """Bank of America, "Bank of America Announces the Redemption of $5.133 Billion of Trust
    Securities" (Business Wire, October 4, 2012; also filed on Form 8-K): redeemed November 5, 2012
    at 100% plus accrued and unpaid distributions per $25 security of $0.243056 (BAC Capital Trust I,
    CUSIP 055187207) and $0.388889 (BAC Capital Trust III, CUSIP 05518E202). 30/360: Actual/360
    would give 0.247917 and 0.398611."""
    assert round(_accrued(security, "2012-11-05"), decimals) == published
    assert round(_accrued(_with(security, fixed_day_count="ACT/360"), "2012-11-05"), decimals) != published


@pytest.mark.parametrize(("security", "published"), [
    ("bac_capital_trust_viii", 0.3333333),  # 80 days from May 25, 2016
    ("merrill_lynch_capital_trust_ii", 0.2687500),  # 60 days from June 15, 2016
])
def test_trusts_accrued_to_their_redemption_on_2016_08_15(security, published):
    """Bank of America, "Bank of America Announces Redemption of $1.97 Billion of Trust Preferred
    Securities" (July 13, 2016, investor.bankofamerica.com news release ID 2185294): redeemed August
    15, 2016 at 100% plus accrued distributions per $25 security of 0.3333333 (BAC Capital Trust
    VIII, CUSIP 05518T209) and 0.2687500 (Merrill Lynch Capital Trust II, CUSIP 59024T203). 30/360:
    Actual/360 would give 0.341667 and 0.273229."""
    assert round(_accrued(security, "2016-08-15"), 7) == published
    assert round(_accrued(_with(security, fixed_day_count="ACT/360"), "2016-08-15"), 7) != published


# ---- $1,000 institutional capital securities ------------------------------------------------------

def test_bac_capital_trust_xi_accrued_to_its_make_whole_redemption_on_2018_06_06():
    """Bank of America, "Bank of America Announces Redemption Prices for Three Series of Trust
    Preferred Securities" (June 1, 2018, investor.bankofamerica.com news release ID 2352854): BAC
    Capital Trust XI 6 5/8% Capital Securities (CUSIP 056335AA0), redeemed June 6, 2018 at 145.305%
    (make-whole) plus $2.3923611 of accrued and unpaid distributions per $1,000 security. 13 days of
    30/360 from May 23, 2018 (semi-annual); Actual/360 (14 days) would give 2.5763889. The make-whole
    price is not reproduced: its spread was not read, and the make-whole functions say so."""
    assert round(_accrued("bac_capital_trust_xi", "2018-06-06"), 7) == 2.3923611
    assert round(_accrued(_with("bac_capital_trust_xi", fixed_day_count="ACT/360"), "2018-06-06"), 7) != 2.3923611
    said = udfs.TRUPS_MAKE_WHOLE("2018-06-06", 0.03, None, None, None, None, "bac_capital_trust_xi")
    assert said == "#TRUPS! security: BAC Capital Trust XI has no make-whole (no make_whole_spread in its terms)"


# ---- pure floaters ---------------------------------------------------------------------------------

#: FRED USD3MTD156N (see the module docstring): three-month USD LIBOR, percent, by London fixing date.
LIBOR_3M_PERCENT = {
    D(2011, 6, 29): 0.24575, D(2011, 9, 28): 0.36856, D(2011, 9, 29): 0.37211, D(2011, 9, 30): 0.37433,
    D(2011, 10, 27): 0.42806, D(2011, 10, 28): 0.42944, D(2012, 6, 28): 0.46060, D(2012, 9, 26): 0.36225,
    D(2012, 9, 27): 0.36025, D(2012, 9, 28): 0.35850, D(2012, 10, 30): 0.31275, D(2012, 12, 28): 0.30800,
    D(2013, 3, 27): 0.28360, D(2013, 3, 28): 0.28260, D(2013, 6, 27): 0.27400, D(2013, 9, 27): 0.24835,
    D(2013, 9, 30): 0.24885, D(2013, 10, 29): 0.23745, D(2013, 10, 30): 0.24190, D(2013, 10, 31): 0.24200,
    D(2011, 11, 29): 0.52694, D(2011, 12, 12): 0.54350, D(2011, 12, 13): 0.54625, D(2011, 12, 14): 0.55505,
    D(2012, 12, 13): 0.30800, D(2013, 12, 12): 0.24285,
    D(2014, 3, 27): 0.23360, D(2014, 3, 28): 0.23335, D(2014, 12, 30): 0.2552, D(2014, 12, 31): 0.2556,
    D(2015, 12, 30): 0.6122, D(2015, 12, 31): 0.6127, D(2018, 4, 11): 2.34163,
    D(2018, 4, 12): 2.34769, D(2018, 4, 13): 2.35281,
}


def _fixing(period_start: dt.date, fixed_on: dt.date) -> list[list[object]]:
    """A fixings table: the period starting on its scheduled first day, at the FRED value of ``fixed_on``."""
    return [[period_start.isoformat(), LIBOR_3M_PERCENT[fixed_on] / 100]]


def test_nb_capital_trust_iii_accrued_to_its_redemption_on_2018_06_06():
    """Bank of America, Form 8-K of April 30, 2018, Exhibit 99.1, "Bank of America Announces
    Redemption of $3.5 Billion of Trust Preferred Securities" (also Business Wire 20180430006511),
    as reported by Prospect News ("Bank of America issues call to redeem $3.5 billion trust
    preferreds on June 6", May 2, 2018): NB Capital Trust III's floating-rate capital securities
    redeemed June 6, 2018 at 100% "and accrued interest of $4.105 per $1,000 liquidation amount".

    April 15, 2018 was a Sunday: the period accrues from Monday April 16 (51 actual days to June 6),
    at the fixing two London banking days before it (Thursday April 12: 2.34769%) + 0.55%. The
    figure decides the readings: accrual from the scheduled Sunday, 30/360, or the fixing of the day
    before or after each miss it."""
    fixings = _fixing(D(2018, 4, 15), D(2018, 4, 12))
    assert round(_accrued("nb_capital_trust_iii", "2018-06-06", fixings), 3) == 4.105
    period = _period("nb_capital_trust_iii", "2018-06-06", fixings)
    assert period["accrual_start"] == D(2018, 4, 16) and period["determination_date"] == D(2018, 4, 12)
    assert (D(2018, 6, 6) - period["accrual_start"]).days == 51
    assert period["rate"] == pytest.approx(0.0289769, abs=1e-12)
    unadjusted = _with("nb_capital_trust_iii", floating_accrual="unadjusted")
    assert round(_accrued(unadjusted, "2018-06-06", fixings), 3) != 4.105
    thirty = _with("nb_capital_trust_iii", floating_day_count="30/360")
    assert round(_accrued(thirty, "2018-06-06", fixings), 3) != 4.105
    for other_day in (D(2018, 4, 11), D(2018, 4, 13)):
        assert round(_accrued("nb_capital_trust_iii", "2018-06-06", _fixing(D(2018, 4, 15), other_day)), 3) != 4.105


def test_nb_capital_trust_iii_under_the_libor_act_is_term_sofr_plus_the_spread_and_margin():
    """From the LIBOR replacement date (July 3, 2023) the index is three-month CME Term SOFR +
    0.26161% (12 CFR 253.4): a period of 2024 pays (Term SOFR + 0.26161% + 0.55%) x days/360 on
    $1,000 (a hand computation: January 16 to April 15, 2024, 90 days; the 15th was a holiday)."""
    term_sofr = 0.0532
    coupon = udfs.TRUPS_COUPON("2024-04-15", term_sofr, None, "libor_act", None, "nb_capital_trust_iii")
    assert coupon == pytest.approx(1000 * (term_sofr + 0.0026161 + 0.0055) * 90 / 360, abs=1e-9)


#: KeyCorp 10-Q/10-K, note "Trust Preferred Securities Issued by Unconsolidated Subsidiaries",
#: column "Interest Rate of Trust Preferred Securities and Debentures", row KeyCorp Capital I (SEC,
#: KeyCorp CIK 91576): (as of, printed rate in percent, filing's accession / page, period's first
#: day as scheduled, the London date whose fixing is in effect).
KEYCORP_RATES = [
    ("2011-09-30", 0.986, "10-Q Q3 2011, 0001193125-11-294726 R36", D(2011, 7, 1), D(2011, 6, 29)),
    ("2011-12-31", 1.112, "10-K 2011, 0001193125-12-081648 R46", D(2011, 10, 1), D(2011, 9, 29)),
    ("2012-09-30", 1.201, "10-Q Q3 2012, 0001193125-12-446337 R38", D(2012, 7, 1), D(2012, 6, 28)),
    ("2012-12-31", 1.100, "10-K 2012, 0001193125-13-076993 R49", D(2012, 10, 1), D(2012, 9, 27)),
    ("2013-03-31", 1.048, "10-Q Q1 2013, 0001193125-13-192157 R41", D(2013, 1, 1), D(2012, 12, 28)),
    ("2013-06-30", 1.024, "10-Q Q2 2013, 0001193125-13-318587 R41", D(2013, 4, 1), D(2013, 3, 27)),
    ("2013-09-30", 1.014, "10-Q Q3 2013, 0001193125-13-420258 R41", D(2013, 7, 1), D(2013, 6, 27)),
    ("2013-12-31", 0.988, "10-K 2013, 0001193125-14-069018 R52", D(2013, 10, 1), D(2013, 9, 27)),
    ("2014-06-30", 0.973, "10-Q Q2 2014, 0001193125-14-293564 R41", D(2014, 4, 1), D(2014, 3, 28)),
    ("2015-03-31", 0.995, "10-Q Q1 2015, 0001193125-15-172015 R41", D(2015, 1, 1), D(2014, 12, 30)),
    ("2016-03-31", 1.352, "10-Q Q1 2016, 0001193125-16-579436 R41", D(2016, 1, 1), D(2015, 12, 30)),
]


@pytest.mark.parametrize(("as_of", "published", "filing", "period_start", "fixed_on"), KEYCORP_RATES,
                         ids=[row[0] for row in KEYCORP_RATES])
def test_keycorp_capital_i_rate_in_effect_as_keycorp_printed_it(as_of, published, filing, period_start, fixed_on):
    """KeyCorp's printed rate (three decimals) = the period's three-month LIBOR fixing + 0.74%. The
    period in effect is found by the functions (TRUPS_NEXT_PAYMENT_DATE, TRUPS_SCHEDULE), and its
    determination date must be the London date whose fixing reproduces the figure: two London banking
    days before the period's first business day (a weekend or holiday 1st moves it: October 3, 2011,
    July 2, 2012, January 2, 2013 and 2015, January 4, 2016; Good Friday and Easter Monday 2013 are
    London holidays, so April 1, 2013's fixing is March 27's)."""
    period = _period("keycorp_capital_i", as_of, _fixing(period_start, fixed_on))
    assert period["start"] == period_start and period["determination_date"] == fixed_on, filing
    assert round(period["rate"] * 100, 3) == published, filing


@pytest.mark.parametrize(("as_of", "wrong_day"), [
    ("2011-12-31", D(2011, 9, 30)), ("2011-12-31", D(2011, 9, 28)), ("2012-12-31", D(2012, 9, 26)),
    ("2012-12-31", D(2012, 9, 28)), ("2013-06-30", D(2013, 3, 28)), ("2013-12-31", D(2013, 9, 30)),
    ("2014-06-30", D(2014, 3, 27)), ("2015-03-31", D(2014, 12, 31)), ("2016-03-31", D(2015, 12, 31)),
])
def test_keycorp_capital_i_fixing_a_day_early_or_late_misses_the_printed_rate(as_of, wrong_day):
    """The printed rates pin the fixing date (and so the two-day lag): the fixing of a neighbouring
    London day, plus the same 0.74%, misses the printed third decimal."""
    row = next(r for r in KEYCORP_RATES if r[0] == as_of)
    assert round((LIBOR_3M_PERCENT[wrong_day] + 0.74), 3) != row[1]
    assert round((LIBOR_3M_PERCENT[row[4]] + 0.74), 3) == row[1]


#: Huntington Bancshares 10-K, note "Subordinated Notes": "x.xx% junior subordinated debentures due
#: 2027 (1)", footnote (1) "Variable effective rate at December 31, ..., based on three month LIBOR +
#: 0.70%": (as of, printed rate in percent, filing, period's first day, London fixing date).
HUNTINGTON_RATES = [
    ("2011-12-31", 1.13, "10-K 2011 (ir.huntington.com XBRL 3439)", D(2011, 11, 1), D(2011, 10, 28)),
    ("2012-12-31", 1.01, "10-K 2012, 0001193125-13-062480 R44", D(2012, 11, 1), D(2012, 10, 30)),
    ("2013-12-31", 0.94, "10-K 2013, XBRL 4318 / 0001193125-14-215041 R45", D(2013, 11, 1), D(2013, 10, 30)),
]


@pytest.mark.parametrize(("as_of", "published", "filing", "period_start", "fixed_on"), HUNTINGTON_RATES,
                         ids=[row[0] for row in HUNTINGTON_RATES])
def test_huntington_capital_i_rate_in_effect_as_huntington_printed_it(as_of, published, filing, period_start,
                                                                       fixed_on):
    """Huntington's printed December 31 rate (two decimals) = the fixing two London banking days
    before the November 1 period + 0.70% (the margin read in the footnote). Two decimals do not pin
    the fixing day (the neighbouring days' fixings print the same), but they pin the cycle: see below."""
    period = _period("huntington_capital_i", as_of, _fixing(period_start, fixed_on))
    assert period["start"] == period_start and period["determination_date"] == fixed_on, filing
    assert round(period["rate"] * 100, 2) == published, filing


@pytest.mark.parametrize(("cycle_start", "fixed_on"), [
    (D(2011, 10, 1), D(2011, 9, 29)),  # January/April/July/October 1: 1.07
    (D(2011, 12, 1), D(2011, 11, 29)),  # March/June/September/December 1: 1.23
    (D(2011, 12, 15), D(2011, 12, 13)),  # March/June/September/December 15: 1.25
])
def test_huntington_capital_i_other_quarterly_cycles_miss_the_2011_rate(cycle_start, fixed_on):
    """Three-month LIBOR rose through the autumn of 2011, so the printed 1.13% at December 31, 2011
    tells the February/May/August/November 1 cycle (inferred: not read) from the other quarterly
    cycles a 1997 floater might have had."""
    assert round(LIBOR_3M_PERCENT[fixed_on] + 0.70, 2) != 1.13
    other = _with("huntington_capital_i", first_payment_date=cycle_start.replace(year=1997).isoformat())
    period = _period(other, "2011-12-31", _fixing(cycle_start, fixed_on))
    assert period["determination_date"] == fixed_on
    assert round(period["rate"] * 100, 2) != 1.13


#: As above, footnote (2): "... junior subordinated debentures due 2028 (2)", "three month LIBOR + 0.625%".
HUNTINGTON_II_RATES = [
    ("2011-12-31", 1.17, "10-K 2011 (ir.huntington.com XBRL 3439)", D(2011, 12, 15), D(2011, 12, 13)),
    ("2012-12-31", 0.93, "10-K 2012, 0001193125-13-062480 R44", D(2012, 12, 15), D(2012, 12, 13)),
    ("2013-12-31", 0.87, "10-K 2013, XBRL 4318 / 0001193125-14-215041 R45", D(2013, 12, 15), D(2013, 12, 12)),
]


@pytest.mark.parametrize(("as_of", "published", "filing", "period_start", "fixed_on"), HUNTINGTON_II_RATES,
                         ids=[row[0] for row in HUNTINGTON_II_RATES])
def test_huntington_capital_ii_rate_in_effect_as_huntington_printed_it(as_of, published, filing, period_start,
                                                                        fixed_on):
    """Huntington's printed December 31 rate = the fixing two London banking days before the
    December 15 period's first business day + 0.625% (the margin read in the footnote). December 15
    was a Saturday in 2012 and a Sunday in 2013: the periods start on Monday the 17th and 16th."""
    period = _period("huntington_capital_ii", as_of, _fixing(period_start, fixed_on))
    assert period["start"] == period_start and period["determination_date"] == fixed_on, filing
    assert round(period["rate"] * 100, 2) == published, filing


def test_huntington_capital_ii_a_one_day_lag_misses_the_2011_rate():
    """The printed 1.17% at December 31, 2011 pins the lag to more than one day: the fixing one
    London banking day before Thursday December 15 (December 14: 0.55505%) prints 1.18."""
    one_day = _with("huntington_capital_ii", libor_determination_lag=1)
    period = _period(one_day, "2011-12-31", _fixing(D(2011, 12, 15), D(2011, 12, 14)))
    assert period["determination_date"] == D(2011, 12, 14) and round(period["rate"] * 100, 2) != 1.17


@pytest.mark.parametrize("security", PURE_FLOATERS)
def test_each_legacy_floater_refuses_what_needs_a_fixed_period_by_name(security):
    said = udfs.TRUPS_MAKE_WHOLE("2020-01-15", 0.03, None, None, None, None, security)
    assert said.startswith("#TRUPS! security: ") and said.endswith(" has no make-whole (no make_whole_spread in its terms)")
