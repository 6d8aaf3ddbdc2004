"""rnnlab.files: the one atomic write (CONTRIBUTING, "Files are written atomically")."""

import os
import re
import stat
from pathlib import Path

import pytest

from rnnlab.files import atomic_path, write_text_atomic

ROOT = Path(__file__).resolve().parents[2]


def test_writes_and_replaces(tmp_path):
    target = tmp_path / "a.txt"
    write_text_atomic(target, "one")
    write_text_atomic(target, "二")
    assert target.read_text(encoding="utf-8") == "二"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]  # no temporary file left


def test_a_replaced_file_keeps_its_mode_and_a_new_one_gets_the_umasks(tmp_path):
    old = os.umask(0o027)
    try:
        fresh = write_text_atomic(tmp_path / "new.txt", "x")
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o640   # 0666 & ~027, not mkstemp's 0600
        kept = tmp_path / "kept.txt"
        kept.write_text("x")
        kept.chmod(0o604)
        write_text_atomic(kept, "y")
        assert stat.S_IMODE(kept.stat().st_mode) == 0o604
    finally:
        os.umask(old)


def test_a_failed_check_or_an_interrupt_leaves_the_target_untouched(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("before")

    def refuse(tmp):
        raise ValueError("bad file")

    with pytest.raises(ValueError, match="bad file"):
        write_text_atomic(target, "after", check=refuse)
    with pytest.raises(KeyboardInterrupt):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise KeyboardInterrupt
    assert target.read_text() == "before"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_errors_name_the_target_and_the_folder(tmp_path):
    missing = tmp_path / "no" / "r.md"
    with pytest.raises(FileNotFoundError, match=re.escape(f"cannot save a report to '{missing}'")):
        with atomic_path(missing, what="a report"):
            pass
    with pytest.raises(TypeError, match="text must be a str, got bytes"):
        write_text_atomic(tmp_path / "b.txt", b"x")


def test_every_writer_uses_the_one_helper():
    """No other file in the package, the scripts or the benchmarks replaces files by hand."""
    offenders = []
    for folder in ("rnnlab", "scripts", "benchmarks"):
        for path in (ROOT / folder).rglob("*.py"):
            if path == ROOT / "rnnlab" / "files.py":
                continue
            text = path.read_text(encoding="utf-8")
            if re.search(r"os\.replace\(|mkstemp\(|\.replace\((tmp|OUTPUT)\b|nbformat\.write\(", text):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
