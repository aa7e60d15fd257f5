"""The provisions that constrain the issuer.

- ``deferral`` -- deferred interest during an extension period and its key dates.
- ``apm`` -- the alternative payment mechanism: price window, maximum obligation, allocation.
- ``sharecap`` -- the share cap amount.
- ``covenant`` -- the capital replacement covenant and the scheduled-maturity repayment rule.
"""
