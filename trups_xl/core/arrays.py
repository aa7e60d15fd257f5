"""Set operations on arrays, as numpy's ``unique`` and ``isin`` give them, without the import
of ``numpy.ma`` those make on their first call (about 20 ms, in every process that calls them).
"""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

_Scalar = TypeVar("_Scalar", bound=np.generic)


def distinct(values: npt.NDArray[_Scalar]) -> npt.NDArray[_Scalar]:
    """The distinct values of an array (flattened), ascending, every NaN or NaT counted as one value
    (``np.unique(values)``)."""
    ordered = np.sort(np.ravel(values))  # NaN and NaT sort last
    if ordered.size < 2:
        return ordered
    new = ordered[1:] != ordered[:-1]
    if ordered.dtype.kind in "fcmM":  # every NaN (NaT) one value, as np.unique counts them
        missing = np.isnat(ordered) if ordered.dtype.kind in "mM" else np.isnan(ordered)
        new &= ~(missing[1:] & missing[:-1])
    return ordered[np.concatenate(([True], new))]


def member(values: npt.NDArray[Any], of: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    """Whether each of ``values`` is one of ``of`` (any shape, a number too), shaped like ``values``
    (``np.isin(values, of)``)."""
    among = np.sort(np.ravel(of))
    if not among.size:
        return np.zeros(np.shape(values), dtype=np.bool_)
    at = np.minimum(np.searchsorted(among, values), among.size - 1)
    result: npt.NDArray[np.bool_] = np.asarray(among[at] == values)  # an array for one value too, as numpy's
    return result


__all__ = ["distinct", "member"]
