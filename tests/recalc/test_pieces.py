"""A sheet part cut into pieces after a row's end, whatever chunks it is read in."""


def test_a_part_given_in_chunks_is_cut_into_pieces_after_a_row_s_end():
    """Whatever the chunks (the part whole, or cut anywhere, a row's end included), the pieces put together
    are the part, each piece but the last ends a row, and a piece is over the size asked only by the rest
    of its last row."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from trups_xl.recalc.pieces import row_pieces

    @settings(max_examples=300, deadline=None)
    @given(lengths=st.lists(st.integers(0, 30), max_size=40), piece=st.integers(1, 120), data=st.data())
    def check(lengths, piece, data):
        part = b"<ws><sheetData>" + b"".join(b'<row r="%d">' % i + b"x" * n + b"</row>"
                                             for i, n in enumerate(lengths)) + b"</sheetData></ws>"
        cuts = sorted(data.draw(st.lists(st.integers(0, len(part)), max_size=6)))
        chunks = [part[a:b] for a, b in zip([0, *cuts], [*cuts, len(part)], strict=True)]
        pieces = list(row_pieces(chunks, piece))
        assert b"".join(pieces) == part
        assert all(p.endswith(b"</row>") and b"</row>" not in p[piece:-6] for p in pieces[:-1])

    check()
