"""The calculation core: every prospectus rule, once, on numpy arrays and Python dates.

Packages, bottom first (each imports only those before it):

- ``errors`` -- the errors the core raises for input it cannot accept.
- ``arrays`` -- set operations on arrays (distinct values, membership) without numpy's masked arrays.
- ``conventions`` -- market conventions, each once: day counts, calendars and business-day
  adjustment, date stepping, interest and discounting, choices read from text.
- ``securities`` -- a security's terms: the value object and its schema, and their loading.
- ``scheduling`` -- the interest schedule.
- ``rates`` -- index fixings and coupon rates, LIBOR and its statutory replacement, curves.
- ``pricing`` -- bond math, accrual, the par-call stream, redemption, yields, the Treasury rate, hedges.
- ``provisions`` -- deferral, the alternative payment mechanism, the share cap, the replacement covenant.
"""
