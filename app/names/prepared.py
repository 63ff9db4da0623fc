"""Tables derived from the installed datasets, prepared once and kept on disk.

Reading a city's names needs two tables built from datasets other packages ship: GeoNames's
place names, each keyed the way street names are compared (``places``), and gender-guesser's
given names (``first_names``). Building them takes about two seconds: most of a short command's
time. So each is built once, written to the instance folder's ``prepared/`` (``keep_in``, called
by the app factory), and read back in a few hundredths of a second by every later process.

A file's name carries a fingerprint of everything its content follows from: the Python version
(``marshal``'s format follows it), the dataset files (their size and time) and the source of the
modules that build and key the table. Any change gives a new name, so a stale table is never read; an old
file is just left behind, and removing the folder is always safe. A file that can't be read is
rebuilt; one that can't be written (a read-only folder) leaves the table in memory only.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

_folder: Path | None = None
_lock = threading.Lock()


def keep_in(folder: str | Path | None) -> None:
    """Keep prepared tables in ``folder`` from now on (None: build them in memory each time)."""
    global _folder
    _folder = Path(folder) if folder else None


def fingerprint(sources: Iterable[str | Path], data: Iterable[str | Path]) -> str:
    """A short digest of the Python version, the ``sources``' bytes and the ``data`` files' place, size
    and modification time (datasets are tens of megabytes: reading them is what this module saves)."""
    digest = hashlib.sha256(f"{sys.version_info[:2]} marshal {marshal.version}".encode())
    for source in sources:
        digest.update(Path(source).read_bytes())
    for path in data:
        status = os.stat(path)
        digest.update(f"{path} {status.st_size} {status.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def prepared(name: str, stamp: str, build: Callable[[], object]) -> object:
    """The table ``name`` as ``build`` makes it, read from the prepared folder when it holds one with
    this ``stamp`` (see ``fingerprint``), else built and written there. ``build`` must return plain
    values ``marshal`` can write: dicts, lists, tuples, strings and numbers."""
    folder = _folder
    if folder is None:
        return build()
    path = folder / f"{name}-{stamp}.marshal"
    try:
        # One read, then decoding from memory: marshal.load on the file is four times slower.
        return marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        pass  # none yet, or unreadable: built again below
    table = build()
    with _lock:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, scratch = tempfile.mkstemp(prefix=f".{name}-", dir=folder)
            try:
                with os.fdopen(fd, "wb") as fh:
                    marshal.dump(table, fh)
                # Whole or not at all: a reader never sees a half-written file.
                os.replace(scratch, path)
            except BaseException:
                Path(scratch).unlink(missing_ok=True)
                raise
        except (OSError, ValueError):
            pass  # a read-only or full disk: the table stays in memory only
    return table
