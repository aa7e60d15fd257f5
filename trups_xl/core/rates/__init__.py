"""What a period's coupon rate is.

- ``fixings`` -- index fixings, the determination policies and the coupon rate of every period.
- ``compounding`` -- SOFR compounded daily in arrears over a period: lookback, observation shift.
- ``libor`` -- LIBOR as the prospectus determines it from bank quotations (p.41).
- ``liboract`` -- the federal LIBOR Act replacement of USD LIBOR.
- ``curve`` -- forward curves that project the index of periods not yet fixed.
- ``discount`` -- a benchmark discount curve for the hedged item's value.
"""
