"""Where laossim writes, and what it may replace: it never loses a file it did not write.

Every command that writes goes through this module:

* :func:`check_folder` and :func:`check_file` decide, before any work starts,
  whether a destination may be written: a results folder replaces another
  laossim results folder only with ``force``, and never a folder of other
  files, a file, a device, a link, the current directory, a parent of it or a
  parent of the inputs; a file output replaces an existing file only with
  ``force``, and never an input or a folder.
* :func:`atomic_folder` and :func:`write_file` write under a temporary name
  beside the destination and rename it into place when complete, so a reader
  never sees half a folder and an interrupted command leaves its destination
  as it was. Temporary folders carry their writer's host and pid, so the next
  command into the same place removes those whose writer was killed
  (:func:`clean_stale`) and reports the rest.
* :func:`folder_lock` keeps two processes from resuming one sweep at once
  (an ``flock`` that the kernel releases when its holder dies, so a killed
  sweep's lock is taken over, with a message).

A results folder is one whose ``manifest.json`` names its kind; every kind
laossim has written counts, whatever version wrote it (:data:`KINDS`).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import fcntl
import glob
import json
import logging
import os
import re
import secrets
import shutil
import signal
import socket
import stat
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from laossim.errors import RefusedError, ResultsExistError
from laossim.vocab import RESULT_KINDS

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"

KINDS = {kind.marker: kind.name for kind in RESULT_KINDS}
"""The manifest key that marks each kind of results folder (every key any laossim has written)."""

LOCK = ".laossim.lock"
"""The lock file of a folder a sweep is writing into."""

_HOST = re.sub(r"[^A-Za-z0-9_-]", "_", socket.gethostname()) or "host"


def results_kind(folder: Path) -> str | None:
    """The kind of laossim results folder ``folder`` is (``run``, ``sweep``, ``backtest``), read
    from its manifest; None when it is not one."""
    try:
        data = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest_kind(data)


def manifest_kind(data: object) -> str | None:
    """The kind of results folder a manifest's contents mark (``run``, ``sweep``, ...), or None."""
    if isinstance(data, dict):
        for key, kind in KINDS.items():
            if data.get(key):
                return kind
    return None


def _describe(path: Path) -> str:
    """What kind of thing is at ``path``, in words, for a refusal."""
    mode = path.lstat().st_mode
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "a device or special file"


def _protected(target: Path, inputs: Iterable[Path | str]) -> str | None:
    """Why ``target`` may never be replaced, whatever is in it: None if nothing forbids it."""
    where = target.resolve()
    cwd = Path.cwd().resolve()
    if where == cwd:
        return "the current directory"
    if where in cwd.parents:
        return "a parent of the current directory"
    for item in inputs:
        path = Path(item).resolve()
        if where == path:
            return f"an input of this command ({item})"
        if where in path.parents:
            return f"a folder holding an input of this command ({item})"
    return None


def check_folder(out: Path, *, inputs: Iterable[Path | str] = (), force: bool = False, option: str = "--out") -> None:
    """Refuse, before any work, to write a results folder at ``out`` where that would lose data.

    Allowed: nothing at ``out``; an empty folder; with ``force``, a laossim results folder
    (any kind, any version), which is replaced only once the new one is complete.

    Raises:
        ResultsExistError: naming what is in the way and what to do instead.
    """
    out = Path(out)
    clean_stale(out)
    if not os.path.lexists(out):
        return
    what = _describe(out)
    if what != "a folder":
        raise ResultsExistError(
            f"{out} is {what}, not a results folder; laossim writes a results folder only where there is "
            f"nothing or an empty folder (even with --force): choose another {option}"
        )
    reason = _protected(out, inputs)
    if reason:
        raise ResultsExistError(
            f"{out} is {reason}; laossim never replaces it, even with --force: "
            f"choose a new folder for {option}, such as results/NAME"
        )
    if not any(out.iterdir()):
        return
    kind = results_kind(out)
    if kind is None:
        raise ResultsExistError(
            f"{out} is not empty and is not a laossim results folder (no laossim manifest.json); laossim never "
            f"replaces it, even with --force: choose another {option}"
        )
    if not force:
        raise ResultsExistError(
            f"{out} already holds a laossim {kind} folder; pass --force to replace it, or choose another {option}"
        )
    foreign = sorted(p.name for p in out.iterdir() if not _written_by_laossim(p.name))
    if foreign:
        raise ResultsExistError(
            f"{out} is a laossim {kind} folder, but it also holds {', '.join(foreign[:5])}"
            f"{' and more' if len(foreign) > 5 else ''}, which laossim did not write; --force would delete "
            f"{'them' if len(foreign) > 1 else 'it'}: move {'them' if len(foreign) > 1 else 'it'} out first, "
            f"or choose another {option}"
        )
    in_use(out)


WRITTEN = re.compile(
    r"(manifest\.json|summary\.(json|csv)|(timeseries|states|events|network)\.(parquet|csv)|plots|report\.html"
    r"|design\.parquet|runs|status|analysis|\.laossim\.lock|scores\.csv|per_state\.csv|simulated\.parquet"
    r"|backtest\.png|fitted\.json|calibration|calibration_(design|refinement)\.csv|calibration\.png"
    r"|(naive_)?forecasts\.csv|diebold_mariano\.csv|anchors\.csv|fans\.png|skill_by_horizon\.png"
    r"|boxes\.csv|trajectory\.csv|cases\.csv|cart\.csv|cart\.txt|summary\.md"
    r"|robustness\.csv|ranking\.csv|criteria\.csv|mids\.csv)"
)
"""The top-level names laossim writes in its results folders (any kind, any version)."""


def _written_by_laossim(name: str) -> bool:
    return WRITTEN.fullmatch(name) is not None


def in_use(folder: Path) -> None:
    """Refuse if a running process holds ``folder``'s lock (a sweep writing into it).

    Raises:
        FolderLockedError: naming the holder.
    """
    try:
        fd = os.open(Path(folder) / LOCK, os.O_RDWR)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise FolderLockedError(_locked_message(folder, _read_holder(fd))) from None
    finally:
        os.close(fd)


def check_file(target: Path, *, inputs: Iterable[Path | str] = (), force: bool = False, option: str) -> None:
    """Refuse, before any work, to write the file ``target`` where that would lose data.

    Allowed: nothing at ``target``; with ``force``, an existing regular file that is not an
    input of the command.

    Raises:
        ResultsExistError: naming what is in the way and what to do instead.
    """
    target = Path(target)
    if not os.path.lexists(target):
        return
    what = _describe(target)
    if what != "a file":
        raise ResultsExistError(f"{target} is {what}; {option} writes a file: give a file name that is free")
    for item in inputs:
        if target.resolve() == Path(item).resolve():
            raise ResultsExistError(
                f"{target} is an input of this command; laossim never overwrites it, even with --force: "
                f"choose another {option}"
            )
    if not force:
        raise ResultsExistError(f"{target} exists; pass --force to replace it, or choose another {option}")


def _token() -> str:
    """A temporary name's writer: this host and process, and a random tag."""
    return f"{_HOST}~{os.getpid()}~{secrets.token_hex(4)}"


def _writer(name: str, prefix: str) -> tuple[str, int] | None:
    """(host, pid) of the process that made the temporary ``name``, or None if it does not say."""
    token = name[len(prefix) :].rsplit(".", 1)[0]
    parts = token.split("~")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    return parts[0], int(parts[1])


def alive(pid: int) -> bool:
    """Whether a process ``pid`` runs on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(out: Path) -> None:
    """Remove the temporary folders a killed laossim left beside ``out``, and report the others.

    A temporary folder is removed when it names this host and a process that no longer runs;
    one that a running process is writing, or from another host or an earlier laossim (whose
    names do not say who wrote them), is left alone with a message.
    """
    out = Path(out)
    prefix = f".{out.name}."
    for path in sorted(out.parent.glob(glob.escape(prefix) + "*")):
        if path.suffix not in (".partial", ".old") and ".old-" not in path.name:
            continue
        writer = _writer(path.name, prefix)
        if writer is not None and writer[0] == _HOST and not alive(writer[1]):
            if path.suffix == ".old" and not os.path.lexists(out):  # killed between its two renames
                os.rename(path, out)
                log.warning("restored %s from %s, where a laossim that was killed had moved it", out, path)
                continue
            shutil.rmtree(path, ignore_errors=True)
            log.warning("removed %s, left by a laossim that was killed (pid %d)", path, writer[1])
        elif writer is not None and writer[0] == _HOST:
            log.warning("%s is being written by a running laossim (pid %d); left alone", path, writer[1])
        else:
            log.warning(
                "%s was left by a laossim on another host or of an earlier version; left alone: "
                "remove it if no laossim is writing there",
                path,
            )


@contextmanager
def atomic_folder(out: Path, *, replace: bool = False) -> Iterator[Path]:
    """A temporary folder beside ``out`` to write into, renamed to ``out`` when the block ends
    and removed if it raises, so a reader never sees a half-written results folder.

    :func:`check_folder` comes first (it also cleans what killed writers left there). The
    folder is made with the process's umask, as any other folder. With ``replace``, a
    results folder already at ``out`` is moved aside and removed only once the new one is in
    place; without it, a folder that appeared at ``out`` meanwhile is never replaced.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.{_token()}.partial"
    os.mkdir(tmp)
    try:
        yield tmp
        _into_place(tmp, out, replace)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _into_place(tmp: Path, out: Path, replace: bool) -> None:
    try:
        os.rename(tmp, out)  # onto nothing or an empty folder
        return
    except OSError as exc:
        if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST) or not replace or results_kind(out) is None:
            raise ResultsExistError(
                f"{out} was filled by something else while this command ran; its results are not written "
                "there: run again with another --out"
            ) from exc
    in_use(out)
    old = out.parent / f".{out.name}.{_token()}.old"
    with _signals_deferred():  # between the two renames, out is missing: never stop there
        os.rename(out, old)
        try:
            os.rename(tmp, out)
        except BaseException:
            os.rename(old, out)
            raise
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the block ends, then act on them (main thread only; elsewhere
    Python delivers no signals anyway)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    kept = {sig: signal.signal(sig, lambda signum, frame: caught.append(signum)) for sig in DEFERRED}
    try:
        yield
    finally:
        for sig, handler in kept.items():
            signal.signal(sig, handler)
        for signum in caught:
            signal.raise_signal(signum)


DEFERRED = (signal.SIGINT, signal.SIGTERM)


def write_file(target: Path, write: Callable[[Path], object], *, make_folder: bool = True) -> Path:
    """Write a file by calling ``write(temporary_path)``, then rename it to ``target`` (the
    checks are :func:`check_file`'s, made before). An error or an interrupt leaves ``target`` as
    it was and no temporary file (only SIGKILL can leave one: ``.NAME.HOST~PID~TAG.tmp``). A
    replaced file keeps its permissions. ``make_folder=False``: fail if the folder is gone."""
    target = Path(target)
    if make_folder:
        target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{_token()}.tmp")
    try:
        write(tmp)
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, stat.S_IMODE(target.stat().st_mode))
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


class FolderLockedError(RefusedError):
    """Another process holds the folder's lock (its pid and host are in the message)."""


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold ``folder``'s lock for the block: a second process is refused, naming the first.

    The lock is an ``flock`` on :data:`LOCK`, which the kernel releases when its holder dies
    however it dies; the file also records the holder (pid, host, command, time), so a
    refusal can name it and a lock left by a killed process is taken over with a message.

    Raises:
        FolderLockedError: a running process holds the lock.
    """
    path = Path(folder) / LOCK
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise FolderLockedError(_locked_message(folder, holder)) from None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the file was replaced between open and lock: take the new one
    try:
        holder = _read_holder(fd)
        if holder:
            log.warning(
                "taking over the lock of %s from pid %s on %s, which no longer runs (a killed sweep)",
                folder,
                holder.get("pid", "?"),
                holder.get("host", "?"),
            )
        record = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            "command": " ".join(["laossim", *sys.argv[1:]]),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(record) + "\n").encode(), 0)
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        os.close(fd)


def _locked_message(folder: Path, holder: dict[str, object]) -> str:
    return (
        f"{folder} is in use by another laossim: pid {holder.get('pid', '?')} on {holder.get('host', '?')}, "
        f"since {holder.get('since', '?')} ({holder.get('command', '?')}); wait for it to finish or stop it"
    )


def _read_holder(fd: int) -> dict[str, object]:
    try:
        data = json.loads(os.pread(fd, 4096, 0) or b"{}")
    except ValueError:
        return {"pid": "?", "host": "?"}
    return data if isinstance(data, dict) else {}
