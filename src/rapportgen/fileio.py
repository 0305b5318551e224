"""Safe file output: write to a temp file beside the target, then rename."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import secrets
import shutil
from pathlib import Path
from typing import BinaryIO, Callable, Iterator


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(target: str | Path, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it onto target on success.

    On any exception the temporary file is removed and the target is untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    ext = suffix if suffix is not None else target.suffix
    # The name is chosen before the file exists and everything after is inside try: a Ctrl-C at
    # any point leaves no temporary file behind (mkstemp's file existed before its try).
    tmp_path = target.parent / f".{target.stem}.{secrets.token_hex(8)}{ext}"
    try:
        while True:
            try:
                os.close(os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
                break
            except FileExistsError:
                tmp_path = target.parent / f".{target.stem}.{secrets.token_hex(8)}{ext}"
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_umask())
        os.replace(tmp_path, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()


_TMPFILE_UNSUPPORTED = {errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT}


def _write_unnamed(target: Path, fill: Callable[[BinaryIO], None]) -> bool:
    """Write target through an unnamed file (Linux O_TMPFILE) in its folder, named only when whole.

    A SIGKILL while fill() runs leaves nothing behind: the file has no name until linkat(2) gives
    it a temporary one, right before the rename onto target. False when the file system or
    platform has no unnamed files; nothing was written then.
    """
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not os.path.isdir("/proc/self/fd"):
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(target.parent, flag | os.O_WRONLY, 0o600)
    except OSError as exc:
        if exc.errno in _TMPFILE_UNSUPPORTED:
            return False
        raise
    with os.fdopen(fd, "wb") as fh:
        fill(fh)
        fh.flush()
        os.fchmod(fd, 0o666 & ~_umask())
        name = target.parent / f".{target.stem}.{secrets.token_hex(8)}{target.suffix}"
        # linkat(2) with AT_SYMLINK_FOLLOW: os.link uses it only when given a dir_fd.
        folder = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.link(f"/proc/self/fd/{fd}", name.name, dst_dir_fd=folder, follow_symlinks=True)
        finally:
            os.close(folder)
        try:
            os.replace(name, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                name.unlink()
            raise
    return True


def write_bytes_atomic(target: str | Path, data: bytes) -> Path:
    target = Path(target)
    if not _write_unnamed(target, lambda fh: fh.write(data)):
        with atomic_path(target) as tmp:
            tmp.write_bytes(data)
    return target


def write_text_atomic(target: str | Path, text: str) -> Path:
    return write_bytes_atomic(target, text.encode("utf-8"))


def copy_atomic(source: str | Path, target: str | Path) -> Path:
    """Copy source onto target so that target is either the old file or the whole new one."""
    target = Path(target)

    def fill(fh: BinaryIO) -> None:
        with open(source, "rb") as src:
            shutil.copyfileobj(src, fh, 1 << 20)

    if not _write_unnamed(target, fill):
        with atomic_path(target) as tmp:
            shutil.copyfile(source, tmp)
    return target


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file's bytes, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()
