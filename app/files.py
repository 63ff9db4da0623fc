"""Writing a user's file safely: the old content stays until the new one is complete.

`whose-streets classify X.csv -o X.csv` reads the file it will replace, and any command can fail half
way: writing into a temporary file beside the target and moving it over the target only on success
means no failure ever empties or truncates what the user had.
"""
from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import IO, Iterator


@contextlib.contextmanager
def replaced_on_success(path: Path, *, encoding: str = "utf-8", newline: str = "") -> Iterator[IO[str]]:
    """A text stream into a temporary file beside ``path``, moved over ``path`` only if the block succeeds."""
    path = Path(path)
    folder = path.parent
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as exc:  # say which file could not be written, not the temporary one
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline=newline) as stream:
            yield stream
        # mkstemp makes the file private; give it the mode a plain open() would have (or the old file's).
        os.chmod(temporary, path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def output_stream(path: Path | None, *, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """``path`` written safely (see :func:`replaced_on_success`), or standard output when it is None."""
    if path is None:
        yield sys.stdout
    else:
        with replaced_on_success(path, encoding=encoding) as stream:
            yield stream
