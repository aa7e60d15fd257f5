"""A sheet part cut into pieces after a row's end, so that a pass over it holds one piece's matches at a
time, never the whole part's (the values copy and the engine's copy are rewritten so).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator


def row_pieces(chunks: Iterable[bytes], piece_bytes: int) -> Iterator[bytes]:
    """A sheet part's bytes, given a chunk at a time (or whole, as one chunk), as pieces of about
    ``piece_bytes``, each cut after a row's end so that no cell is cut; the first holds everything before
    the first row's end. A piece is copied once; what follows the last cut waits for the next chunk."""
    rest = b""
    for chunk in chunks:
        data = rest + chunk if rest else chunk
        pos = 0
        while len(data) - pos > piece_bytes and (cut := data.find(b"</row>", pos + piece_bytes)) >= 0:
            yield data[pos:cut + 6]
            pos = cut + 6
        rest = data[pos:] if pos else data
    if rest:
        yield rest


__all__ = ["row_pieces"]
