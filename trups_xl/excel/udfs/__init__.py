"""Excel functions (xlwings UDFs) for trust preferred securities, any security given by its terms.

Each function converts and validates its cells, calls the calculation core and shapes
the result; it computes nothing itself. Names and argument order are the contract.
Dates may be date cells, serial numbers or ``YYYY-MM-DD`` text; rates are decimals
(0.083). On bad input a function returns one line starting ``#TRUPS!``.

The functions live by domain; this package re-exports every one (``trups_xl.udfs`` re-exports it
in turn, the name every setup uses):

- ``schedule`` -- the schedule and accrual: accrual, accrued interest, coupons, payment dates, the terms.
- ``redemption`` -- the make-whole, the price by route and its dates, Treasury yields, the yield to call.
- ``yields`` -- yield to worst and to each workout, the workout date, price from yield, risk, spreads, discount margin.
- ``deferral`` -- deferral and the alternative payment mechanism: deferred interest, APM, the share cap.
- ``rates`` -- the index after LIBOR and LIBOR from dealer quotes.
- ``covenant`` -- the capital replacement covenant and the scheduled-maturity repayment.
- ``hedge`` -- fair-value hedge effectiveness.
"""

from trups_xl.excel.udfs.schedule import (  # noqa: I001 (the old file's order: the registry's)
    TRUPS_ACCRUAL,
    TRUPS_ACCRUED_INTEREST,
    TRUPS_COUPON,
    TRUPS_PREVIOUS_PAYMENT_DATE,
    TRUPS_NEXT_PAYMENT_DATE,
    TRUPS_SCHEDULE,
    TRUPS_TERMS,
)
from trups_xl.excel.udfs.redemption import (
    TRUPS_MAKE_WHOLE,
    TRUPS_MAKE_WHOLE_PV,
    TRUPS_REDEMPTION_PRICE,
    TRUPS_REDEMPTION_PAYMENT_DATE,
    TRUPS_TREASURY_PRICE_DATE,
    TRUPS_TREASURY_YIELD,
    TRUPS_TREASURY_PRICE,
    TRUPS_YIELD_TO_CALL,
    TRUPS_PRICE_FROM_YIELD,
)
from trups_xl.excel.udfs.yields import (
    TRUPS_YIELD,
    TRUPS_WORKOUT_DATE,
    TRUPS_PRICE,
    TRUPS_WORKOUTS,
    TRUPS_RISK,
    TRUPS_SPREAD,
    TRUPS_DISCOUNT_MARGIN,
)
from trups_xl.excel.udfs.deferral import (
    TRUPS_DEFERRED_INTEREST,
    TRUPS_DEFERRAL_DATES,
    TRUPS_CLAIM_LIMIT,
    TRUPS_APM_WINDOW,
    TRUPS_APM_AVERAGE_PRICE,
    TRUPS_APM_MAX_OBLIGATION,
    TRUPS_APM_ALLOCATE,
    TRUPS_SHARE_CAP,
    TRUPS_SHARE_CAP_REQUIRED,
    TRUPS_SHARES_SALEABLE,
)
from trups_xl.excel.udfs.rates import (
    TRUPS_INDEX_RATE,
    TRUPS_LIBOR_FROM_QUOTES,
)
from trups_xl.excel.udfs.covenant import (
    TRUPS_CRC_PERCENTAGE,
    TRUPS_CRC_MEASUREMENT_DATE,
    TRUPS_CRC_CAPACITY,
    TRUPS_MATURITY_REPAYMENT,
)
from trups_xl.excel.udfs.hedge import (
    TRUPS_HEDGED_ITEM_VALUE,
    TRUPS_HEDGE_DOLLAR_OFFSET,
    TRUPS_HEDGE_REGRESSION,
)
from trups_xl.excel.udfs.schedule import SCHEDULE_HEADER as SCHEDULE_HEADER

__all__ = [
    "TRUPS_ACCRUAL",
    "TRUPS_ACCRUED_INTEREST",
    "TRUPS_APM_ALLOCATE",
    "TRUPS_APM_AVERAGE_PRICE",
    "TRUPS_APM_MAX_OBLIGATION",
    "TRUPS_APM_WINDOW",
    "TRUPS_CLAIM_LIMIT",
    "TRUPS_COUPON",
    "TRUPS_CRC_CAPACITY",
    "TRUPS_CRC_MEASUREMENT_DATE",
    "TRUPS_CRC_PERCENTAGE",
    "TRUPS_DEFERRAL_DATES",
    "TRUPS_DEFERRED_INTEREST",
    "TRUPS_DISCOUNT_MARGIN",
    "TRUPS_HEDGED_ITEM_VALUE",
    "TRUPS_HEDGE_DOLLAR_OFFSET",
    "TRUPS_HEDGE_REGRESSION",
    "TRUPS_INDEX_RATE",
    "TRUPS_LIBOR_FROM_QUOTES",
    "TRUPS_MAKE_WHOLE",
    "TRUPS_MAKE_WHOLE_PV",
    "TRUPS_MATURITY_REPAYMENT",
    "TRUPS_NEXT_PAYMENT_DATE",
    "TRUPS_PREVIOUS_PAYMENT_DATE",
    "TRUPS_PRICE",
    "TRUPS_PRICE_FROM_YIELD",
    "TRUPS_REDEMPTION_PAYMENT_DATE",
    "TRUPS_REDEMPTION_PRICE",
    "TRUPS_RISK",
    "TRUPS_SCHEDULE",
    "TRUPS_SHARES_SALEABLE",
    "TRUPS_SHARE_CAP",
    "TRUPS_SHARE_CAP_REQUIRED",
    "TRUPS_SPREAD",
    "TRUPS_TERMS",
    "TRUPS_TREASURY_PRICE",
    "TRUPS_TREASURY_PRICE_DATE",
    "TRUPS_TREASURY_YIELD",
    "TRUPS_WORKOUTS",
    "TRUPS_WORKOUT_DATE",
    "TRUPS_YIELD",
    "TRUPS_YIELD_TO_CALL",
]
