"""A formula's text read as tokens and brackets: each kind of token, each call's arguments, what is not read."""

import pytest

from trups_xl.recalc.formula_tokens import arguments, opened_at, read


def test_each_kind_of_token_is_read_with_its_place() -> None:
    tokens, frames = read("IF('My s'!$B$2:$B$9>=1.5E3,\"a\"\"b\",#N/A)+@C1%&{1,2}")
    assert [(t.kind, t.text) for t in tokens] == [
        ("call", "IF("), ("ref", "'My s'!$B$2:$B$9"), ("operator", ">="), ("number", "1.5E3"), ("comma", ","),
        ("text", '"a""b"'), ("comma", ","), ("error", "#N/A"), ("close", ")"), ("operator", "+"), ("at", "@"),
        ("ref", "C1"), ("operator", "%"), ("operator", "&"), ("array", "{1,2}")]
    assert tokens[1].start == 3 and tokens[1].end == 19
    (call,) = frames
    assert call.function == "IF" and call.commas == 2 and call.close_at == 8


def test_a_calls_arguments_and_brackets_inside_brackets() -> None:
    tokens, frames = read("_xlfn.STDEV.S(SUM(A1,B2),(C3),D4:D9)")
    outer = opened_at(frames, 0)
    assert outer.function == "STDEV.S" and outer.parent == -1
    assert [[tokens[i].text for i in each] for each in arguments(tokens, frames, outer)] == [
        ["SUM(", "A1", ",", "B2", ")"], ["(", "C3", ")"], ["D4:D9"]]
    inner = opened_at(frames, 1)
    assert inner.function == "SUM" and inner.parent == 0 and inner.argument == 0
    group = opened_at(frames, 7)
    assert group.function is None and group.argument == 1


@pytest.mark.parametrize("body", ["SUM(A1", "A1)", "Table1[x]", "A1;B1", "'open", "Ñame+1"])
def test_a_text_with_a_token_not_listed_or_a_bracket_not_closed_is_not_read(body: str) -> None:
    assert read(body) is None
