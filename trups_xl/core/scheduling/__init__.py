"""When things happen: the interest schedule (its conventions are in ``conventions``).

- ``schedule`` -- every interest period of a security, from its issue date to maturity.
"""
