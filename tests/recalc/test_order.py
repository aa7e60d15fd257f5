"""Which formulas each run reads, its cycles and the order runs are taken in: the graph helpers
checked against brute force."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trups_xl.recalc.order import intervals, rowless, strongly_connected


def _reachable(edges, start):
    seen, todo = {start}, [start]
    while todo:
        for nxt in edges[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 12).flatmap(lambda n: st.lists(st.sets(st.integers(0, n - 1), max_size=4), min_size=n, max_size=n)))
def test_two_nodes_share_a_component_exactly_when_each_reaches_the_other(edges):
    component = strongly_connected(edges)
    reach = [_reachable(edges, k) for k in range(len(edges))]
    for a, b in itertools.combinations(range(len(edges)), 2):
        assert (component[a] == component[b]) == (b in reach[a] and a in reach[b]), (a, b, edges)


def test_a_long_chain_is_no_cycle_and_does_not_recurse():
    n = 50_000  # deeper than Python's recursion limit: the algorithm is iterative
    component = strongly_connected([{k + 1} for k in range(n - 1)] + [set()])
    assert len(set(component)) == n


@given(st.sets(st.integers(1, 200)))
def test_intervals_cover_the_rows_with_gaps_between(rows):
    out = intervals(sorted(rows))
    assert [r for a, b in out for r in range(a, b + 1)] == sorted(rows)
    assert all(nxt[0] > cur[1] + 1 for cur, nxt in itertools.pairwise(out))


def test_formulas_copied_down_are_alike_without_their_rows():
    assert rowless("=A2*$B$1+Sheet2!C2") == rowless("=A9*$B$1+Sheet2!C9")
    assert rowless("=A2*$B$1") != rowless("=A2*$C$1")


def test_a_quoted_sheet_name_keeps_its_digits_in_a_formula_s_rowless_form():
    # two sheets whose names differ in a number are two sheets: their formulas are not alike
    assert rowless("='Model FY2024'!A2") != rowless("='Model FY2025'!A2")
    assert rowless("='Model FY2024'!A2", exact=False) == "='Model FY2024'!A#"
    assert rowless("='Model FY2024'!A2+B3") == rowless("='Model FY2024'!A9+B10") == "='Model FY2024'!A#+B#"


@pytest.mark.parametrize("exact", [True, False])
def test_a_sheet_name_that_reads_like_a_cell_keeps_its_digits_in_a_formula_s_rowless_form(exact):
    # FY2023 and FY2024 are two sheets, as are Q1 and Q2: their formulas are not alike
    assert rowless("=SUM(FY2023!B2:B13)", exact) == "=SUM(FY2023!B#:B#)" != rowless("=SUM(FY2024!B2:B13)", exact)
    assert rowless("=Q1!A2+Q2!$B$1", exact) == "=Q1!A#+Q2!$B$#"


@pytest.mark.parametrize("exact", [True, False])
@pytest.mark.parametrize("name", ["Año", "Größe", "\\A", "Rate?A"])
def test_names_that_end_in_letters_and_digits_after_any_letter_keep_their_digits(name, exact):
    # Año1 holds no cell o1, as Größe1 holds no e1: two such names are two names in the exact form
    assert rowless(f"=SUM({name}1)") != rowless(f"=SUM({name}2)")
    assert rowless(f"=SUM({name}1)+B2", exact).endswith("+B#")


def test_the_runs_no_node_reads_are_unread():
    from trups_xl.recalc.order import Graph, unread

    # runs 0-3, then ordinary columns 4 and 5: 4 reads run 1, 5 reads column 4, run 2 reads run 3
    graph = Graph(4, [set(), set(), {3}, set(), {1}, {4}])
    assert unread(graph) == {0, 2}
    assert unread(Graph(2, [{0}, set()])) == {1}  # a run reading itself is read
    assert unread(Graph(2, [set(), set(), {0, 1, 2}])) == frozenset()  # a formula reading everything
