"""A security's terms as data.

- ``terms`` -- the schema, the frozen value object and its validation (no default security).
- ``loading`` -- the shipped securities (``data/securities/*.toml``), a user's terms table, lookup
  by id or CUSIP, and ``TERMS`` (XXI), the security the Excel functions use when none is given.
- ``xxi_covenant`` -- Citigroup Capital XXI's capital replacement covenant as data: its dates and table of percentages.
"""
