"""File output that never destroys a user's work by accident.

Why: outputs (programmes, calendars, letters) are written next to files people edit
by hand.  So we refuse to overwrite without ``force``, and we write through a temporary
file plus ``os.replace`` so that a crash, a full disk or Ctrl-C leaves either the old
file or the complete new one, never a truncated mix.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

from itinerary.errors import OutputError

__all__ = [
    "check_folder",
    "ensure_empty_dir",
    "prepare_output",
    "refuse_overwrite",
    "safe_filename",
    "write_bytes",
    "write_folder",
    "write_text",
]

MAX_FILENAME = 100

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_DASHES = re.compile(r"-{2,}")
# Device names Windows reserves in every folder, whatever the extension ("con.txt").
_RESERVED = re.compile(r"^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\..*)?$", re.IGNORECASE)


def safe_filename(name: str) -> str:
    """A file name derived from user text (a host's name, say) that cannot leave its folder.

    Keeps ``[A-Za-z0-9._-]``, turns every other run of characters into one ``-``, drops
    leading dots/dashes (no hidden files, no ``..``, no option-like names) and trailing dots
    (Windows ignores them), avoids Windows device names and caps the length.  Different
    names may map to the same result; callers that need uniqueness must check.
    """
    cleaned = _DASHES.sub("-", _UNSAFE.sub("-", name))
    cleaned = cleaned.lstrip(".-")[:MAX_FILENAME].rstrip(".")
    if not cleaned:
        return "unnamed"
    if _RESERVED.match(cleaned):
        cleaned = ("_" + cleaned)[:MAX_FILENAME].rstrip(".")
    return cleaned


def _describe(error: OSError) -> str:
    """One line for an OSError, without errno noise or repeated paths."""
    return (error.strerror or error.__class__.__name__).lower()


def _current_umask() -> int:
    # mkstemp creates 0600 files; give the result the permissions a normal open() would.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def refuse_overwrite(path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """``refuse_replacing``, and the folder ``path`` goes into must exist and be writable."""
    target = refuse_replacing(path, force=force)
    check_folder(target.parent)
    return target


def refuse_replacing(path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Raise OutputError if writing ``path`` would replace something it must not: anything
    without ``force``, and even with it a folder, a device, a pipe or a socket (only a regular
    file, or a symbolic link, which is replaced itself, may be replaced).

    Callers that do long work before writing (planning) call this first, so a refused
    output is reported before the work, not after it.
    """
    target = Path(path)
    try:
        info = target.lstat()
    except (FileNotFoundError, NotADirectoryError):  # the folder's own problems come later
        info = None
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {_describe(exc)}") from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode) or (stat.S_ISLNK(info.st_mode) and target.is_dir()):
            raise OutputError(f"{path} is a folder, not a file")
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
            raise OutputError(
                f"{path} is not a regular file (a device, a pipe or a socket); choose another name"
            )
        if not force:
            raise OutputError(f"{path} exists; use --force to overwrite")
    return target


def check_folder(folder: Path) -> None:
    """The folder an output goes into must exist and take new files (checked before the work,
    so that a mistyped path or a read-only folder is not found after minutes of planning)."""
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise OutputError(f"folder {folder} {what}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write into folder {folder}: permission denied")


def prepare_output(path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """``refuse_overwrite``, then make the folder ``path`` goes into: for tools that measure
    for minutes and then write (the benchmark scripts), so that neither an existing file nor a
    folder that cannot be made is found only after the work. The CLI does not use it: a plan
    or an export into a folder that does not exist is a mistyped path, reported as such."""
    target = refuse_replacing(path, force=force)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot make folder {target.parent}: {_describe(exc)}") from None
    return target


def write_bytes(path: str | os.PathLike[str], data: bytes, *, force: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically; never replace an existing file unless ``force``.

    The content goes to a temporary file beside the target first. Without ``force`` it is then
    hard-linked to the target's name, which fails if a file of that name appeared meanwhile
    (a no-replace rename: nothing written by someone else is ever replaced); where the file
    system has no hard links the target is checked once more and renamed into place. The
    temporary file is removed on every way out, Ctrl-C and SIGTERM included (the CLI turns
    them into exceptions).
    """
    target = refuse_overwrite(path, force=force)
    shown = str(path)
    tmp_name: str | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(
            dir=target.parent, prefix="." + target.name + ".", suffix=".tmp"
        )
        with os.fdopen(fd, "wb") as handle:
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), 0o666 & ~_current_umask())
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if force:
            os.replace(tmp_name, target)
        else:
            _link_no_replace(tmp_name, target, shown)
    except BaseException as exc:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {shown}: {_describe(exc)}") from None
        raise
    return target


def _link_no_replace(tmp_name: str, target: Path, shown: str) -> None:
    """Give the finished temporary file the target's name unless that name is taken now."""
    try:
        os.link(tmp_name, target)
    except FileExistsError:
        raise OutputError(
            f"{shown} appeared while it was being written; use --force to overwrite"
        ) from None
    except OSError as exc:
        if exc.errno not in (
            errno.EPERM,
            errno.ENOTSUP,
            errno.EOPNOTSUPP,
            errno.EXDEV,
            errno.EMLINK,
        ):
            raise
        # No hard links here (FAT, some network shares): check again, then rename.
        if os.path.lexists(target):
            raise OutputError(
                f"{shown} appeared while it was being written; use --force to overwrite"
            ) from None
        os.replace(tmp_name, target)
        return
    os.unlink(tmp_name)


def write_text(path: str | os.PathLike[str], text: str, *, force: bool = False) -> Path:
    """Write ``text`` as UTF-8 with the newlines exactly as given (no ``\\r\\n`` on Windows)."""
    return write_bytes(path, text.encode("utf-8"), force=force)


def ensure_empty_dir(path: str | os.PathLike[str], *, force: bool) -> Path:
    """Make sure ``path`` is a folder we may fill: created if missing (with its parents),
    refused if it already holds something unless ``force``.  Nothing is ever deleted."""
    folder = Path(path)
    shown = str(path)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{shown} is a file, not a folder")
    try:
        if folder.is_dir():
            if not force and any(folder.iterdir()):
                raise OutputError(f"{shown} is not empty; use --force to write into it anyway")
        else:
            folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot use folder {shown}: {_describe(exc)}") from None
    return folder


def write_folder(
    path: str | os.PathLike[str], files: Mapping[str, bytes], *, force: bool = False
) -> Path:
    """Write ``files`` (name -> content) as the folder ``path``, all or nothing.

    The folder is filled under a temporary name beside ``path`` and renamed into place, so an
    interrupted export leaves the old folder (or none), never half of a new one. An existing
    non-empty folder is replaced only with ``force`` (stale files from an earlier export, say a
    host no longer in the plan, must not linger); it is removed only after the new one is in
    place. Every name is passed through :func:`safe_filename`, so none can leave the folder.
    """
    target = Path(path)
    shown = str(path)
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise OutputError(f"{shown} is not a folder")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise OutputError(f"{shown} is not empty; use --force to replace it")
    parent = target.parent
    check_folder(parent)

    names: dict[str, bytes] = {}
    for name, data in files.items():
        safe = safe_filename(name)
        if safe.lower() in {n.lower() for n in names}:
            raise OutputError(f"two files in {shown} would both be named {safe}")
        names[safe] = data

    staging: Path | None = None
    old: Path | None = None
    try:
        staging = Path(tempfile.mkdtemp(dir=parent, prefix="." + target.name + ".", suffix=".tmp"))
        os.chmod(staging, 0o777 & ~_current_umask())
        for name, data in names.items():
            write_bytes(staging / name, data)
        if force and target.is_dir():
            old = Path(tempfile.mkdtemp(dir=parent, prefix="." + target.name + ".", suffix=".old"))
            os.replace(target, old / "previous")
        try:
            # Without force, the rename itself refuses a folder that is not empty (or a file)
            # by then: one that filled up while we wrote is never replaced.
            os.rename(staging, target)
        except OSError as exc:
            if exc.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR, errno.EISDIR):
                raise OutputError(
                    f"{shown} appeared or filled up while it was being written; "
                    "use --force to replace it"
                ) from None
            raise
    except BaseException as exc:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        if old is not None and (old / "previous").is_dir() and not target.exists():
            os.replace(old / "previous", target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {shown}: {_describe(exc)}") from None
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target
