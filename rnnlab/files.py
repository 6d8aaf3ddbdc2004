"""Writing files so that nothing is lost: the one atomic write every writer in the course uses
(checkpoints, notebooks, the stored results of the benchmarks, the build scripts).

A write goes to a temporary file in the target's folder, is flushed to disk, optionally checked
(``check(tmp)`` raises if the file is wrong), takes the mode the target had (or the one the umask
gives a new file: ``mkstemp``'s private 0600 never leaks out), and only then replaces the target
with ``os.replace`` — a reader sees the old file or the new one, never half of one. On any error,
Ctrl-C included, the temporary file is removed and the target is untouched.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path


def _umask() -> int:
    try:  # Linux says it without changing it
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)  # elsewhere: read it by setting it, then put it back
    os.umask(mask)
    return mask


def _mode_for(path: Path) -> int:
    """The permission bits ``path`` has now, or those a new file gets under the umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~_umask()


@contextlib.contextmanager
def atomic_path(path, check: Callable[[Path], None] | None = None,
                what: str = "a file") -> Iterator[Path]:
    """Ground layer. ``with atomic_path(target) as tmp:`` write ``tmp``; on leaving the block
    ``tmp`` is checked, given the target's mode and moved onto ``target``.

    The error for a folder that cannot be written names ``what`` is saved, the target and the folder.
    """
    path = Path(path)
    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise type(exc)(exc.errno, f"cannot save {what} to {str(path)!r}: cannot write in the "
                                   f"folder {str(path.parent)!r} ({exc.strerror or exc}); choose "
                                   "a folder you can write to") from exc
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as f:  # on disk before it replaces anything
            os.fsync(f.fileno())
        if check is not None:
            check(tmp)
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text_atomic(path, text: str, check: Callable[[Path], None] | None = None) -> Path:
    """Ground layer. Write ``text`` (UTF-8) to ``path`` atomically; returns ``path``."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    path = Path(path)
    with atomic_path(path, check) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path
