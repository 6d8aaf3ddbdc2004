"""Issue 12, the corpus on every platform: CRLF copies and directories are named clearly."""

import subprocess
from pathlib import Path

import pytest

from rnnlab.text import corpus
from rnnlab.text.corpus import TIME_MACHINE_FILE, CorpusError, read_data_file

REPO = Path(__file__).resolve().parents[2]
REAL = REPO / "rnnlab" / "data" / TIME_MACHINE_FILE


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus.resources, "files", lambda package: tmp_path)
    return tmp_path


def test_a_crlf_copy_is_named_as_a_line_ending_problem(data_dir):
    (data_dir / TIME_MACHINE_FILE).write_bytes(REAL.read_bytes().replace(b"\n", b"\r\n"))
    with pytest.raises(CorpusError, match=r"Windows line endings \(CRLF\).*\.gitattributes.*git rm --cached"):
        read_data_file()


def test_other_damage_is_still_a_sha1_error(data_dir):
    (data_dir / TIME_MACHINE_FILE).write_bytes(REAL.read_bytes() + b"extra")
    with pytest.raises(CorpusError, match="has SHA-1 .* expected"):
        read_data_file()


def test_a_directory_in_place_of_the_file(data_dir):
    (data_dir / TIME_MACHINE_FILE).mkdir()
    with pytest.raises(CorpusError, match=rf"{TIME_MACHINE_FILE}.* is a directory"):
        read_data_file()


def test_the_intact_file_still_reads(data_dir):
    (data_dir / TIME_MACHINE_FILE).write_bytes(REAL.read_bytes())
    assert read_data_file().startswith(REAL.read_text(encoding="utf-8")[:50])


@pytest.mark.slow  # starts other processes
def test_git_treats_the_corpus_as_binary():
    try:
        out = subprocess.run(["git", "check-attr", "text", "diff", "--", str(REAL)], cwd=REPO,
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("git is not available here")
    assert "text: unset" in out and "diff: unset" in out
