"""When things happen: day counts, business days and the interest schedule.

- ``daycount`` -- 30/360 and actual/360 day counts on dates and ``datetime64[D]`` arrays.
- ``calendars`` -- New York, London, NYSE and U.S. government securities business days.
- ``holiday_history`` -- the holidays of years the ``holidays`` package lacks, from each year's rules (generation only).
- ``schedule`` -- every interest period of a security, from its issue date to maturity.
"""
