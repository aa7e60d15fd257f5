"""What a holder is paid and what it is worth.

- ``bondmath`` -- present value of a semi-annual stream in closed form, and yield solving.
- ``accrual`` -- interest between any two dates, accrued interest, coupons, payment dates.
- ``parcall`` -- the fixed coupons still to come before the par call, seen from any date.
- ``redemption`` -- the make-whole, the price by redemption route, and the redemption dates.
- ``yields`` -- yield of the securities to the par call, and price from that yield.
- ``workout`` -- workout dates from the terms (maturity, par calls, special events) and the cash flows to them.
- ``workout_yield`` -- yield to a workout and to worst, and price from a yield, for any security.
- ``risk`` -- duration, convexity, DV01, effective and spread duration, the calls re-evaluated.
- ``spreads`` -- G-, I- and Z-spreads over the analyst's curves, and the discount margin.
- ``treasury`` -- the Treasury rate: a Treasury's semi-annual yield from its price, and back.
- ``hedge`` -- fair-value hedge effectiveness: the hedged item's value, dollar offset, regression.
"""
