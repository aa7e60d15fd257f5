"""Files written whole or not at all, alone or together."""

import os

import pytest

from trups_xl.atomic import NotARegularFileError, write_atomically, write_atomically_together


def _fails(_tmp):
    raise KeyboardInterrupt  # a Ctrl-C while the second file is written


def test_files_written_together_replace_nothing_unless_every_one_is_written(tmp_path):
    csv, xlsx = tmp_path / "res.csv", tmp_path / "res.xlsx"
    csv.write_text("old table")
    xlsx.write_bytes(b"old book")
    with pytest.raises(KeyboardInterrupt):
        write_atomically_together([(csv, lambda p: p.write_text("new table")), (xlsx, _fails)])
    assert csv.read_text() == "old table" and xlsx.read_bytes() == b"old book"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res.csv", "res.xlsx"]  # no temporary file left


def test_files_written_together_are_moved_inside_the_callers_context_and_keep_the_umask(tmp_path):
    csv, xlsx = tmp_path / "res.csv", tmp_path / "res.xlsx"
    seen = []

    class Moving:
        def __enter__(self):
            seen.append(sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")))

        def __exit__(self, *exc):
            seen.append(sorted(p.name for p in tmp_path.iterdir()))

    write_atomically_together([(csv, lambda p: p.write_text("t")), (xlsx, lambda p: p.write_bytes(b"b"))], Moving)
    assert seen == [[], ["res.csv", "res.xlsx"]]
    umask = os.umask(0)
    os.umask(umask)
    assert csv.stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_target_that_is_not_a_regular_file_is_refused_before_anything_is_written(tmp_path):
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(NotARegularFileError):
        write_atomically_together([(tmp_path / "a.xlsx", lambda p: p.write_bytes(b"b")),
                                   (tmp_path / "folder.csv", lambda p: p.write_text("t"))])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.csv"]
    with pytest.raises(NotARegularFileError):
        write_atomically(tmp_path / "folder.csv", lambda p: p.write_text("t"))
