"""A security's terms as data.

- ``schema`` -- every term: its kind, whether required, its meaning, choices and plausible range.
- ``terms`` -- the frozen value object and its validation against the schema (no default security).
- ``loading`` -- the shipped securities (``data/securities/*.toml``), a user's terms table, lookup
  by id or CUSIP, and ``TERMS`` (XXI), the security the Excel functions use when none is given.
- ``xxi_covenant`` -- Citigroup Capital XXI's capital replacement covenant as data: its dates and table of percentages.
"""
