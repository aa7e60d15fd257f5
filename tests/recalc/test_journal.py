"""The resume store of a batch: one JSON line per finished (workbook, scenario) pair, read back by a
later run; a line cut short by a kill, or holding what no result can be, is passed over."""

import hashlib
import json

from trups_xl.recalc.journal import Entry, Journal, digest, pair_key


def test_digest_is_the_sha256_of_the_content(tmp_path):
    path = tmp_path / "book.xlsx"
    content = b"PK\x03\x04" + bytes(range(256)) * 5000  # more than one read block
    path.write_bytes(content)
    assert digest(path) == hashlib.sha256(content).hexdigest()


def test_a_pair_key_changes_with_what_the_results_depend_on_and_nothing_else():
    base = pair_key("d1", "up", [("Shift", 0.01)], {"outputs": ["A", "B"], "vectorise": True})
    assert base == pair_key("d1", "up", [("Shift", 0.01)], {"vectorise": True, "outputs": ["A", "B"]})
    assert len({base, pair_key("d2", "up", [("Shift", 0.01)], {"outputs": ["A", "B"], "vectorise": True}),
                pair_key("d1", "down", [("Shift", 0.01)], {"outputs": ["A", "B"], "vectorise": True}),
                pair_key("d1", "up", [("Shift", 0.02)], {"outputs": ["A", "B"], "vectorise": True}),
                pair_key("d1", "up", [("Shift", 0.01)], {"outputs": ["A"], "vectorise": True})}) == 5


def test_entries_added_are_finished_for_the_next_run_and_a_cut_line_is_passed_over(tmp_path):
    path = tmp_path / "journal.jsonl"
    journal = Journal(path)
    first = Entry("k1", "a.xlsx", "base", [("Result_Price", 101.25, ""), ("Result_Date", "2030-03-15", "")])
    second = Entry("k2", "b.xlsx", "up", [("Result_Price", None, "input Shift: no such name")])
    journal.add(first)
    journal.add(second)
    journal.close()
    with path.open("a", encoding="utf-8") as handle:  # a kill in the middle of a line
        handle.write('{"key": "k3", "workbook": "c.xlsx", "scen')
    assert Journal(path).finished() == {"k1": first, "k2": second}


def test_a_line_holding_no_result_value_or_not_ours_is_passed_over(tmp_path):
    path = tmp_path / "journal.jsonl"
    path.write_text("\n".join([
        json.dumps({"key": "k1", "workbook": "a", "scenario": "s", "rows": [["out", {"not": "a value"}, ""]]}),
        json.dumps({"something": "else"}),
        "not json at all",
        json.dumps({"key": "k2", "workbook": "a", "scenario": "s", "rows": [["out", True, ""]]}),
    ]) + "\n", encoding="utf-8")
    assert Journal(path).finished() == {"k2": Entry("k2", "a", "s", [("out", True, "")])}


def test_no_journal_file_is_nothing_finished(tmp_path):
    assert Journal(tmp_path / "missing.jsonl").finished() == {}
