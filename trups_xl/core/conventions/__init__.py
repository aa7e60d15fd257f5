"""Market conventions, each stated once: the floor of the core, importing nothing else of the project
but :mod:`trups_xl.core.errors`.

- ``choices`` -- text read once, at the edge, into the enums the core compares.
- ``dates`` -- day numbers for one date and ``datetime64[D]`` arrays; year, month, day; month ends.
- ``daycount`` -- :class:`DayCount` (30/360 Bond Basis, Act/360, Act/365F, Act/Act ICMA), day counts and year fractions.
- ``calendars`` -- New York, London, NYSE and U.S. government securities business days, 1970-2100.
- ``holiday_history`` -- the holidays of years the ``holidays`` package lacks, from each year's rules (generation only).
- ``adjust`` -- the business-day adjustment: following, modified following, preceding, following unless next year.
- ``stepping`` -- months and years from an anchor: month ends, Feb 29.
- ``interest`` -- simple interest, compounding and the discount factor (simple, compounded, continuous).
"""
