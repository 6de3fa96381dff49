"""A real small disk for tests: a tmpfs mounted in the test's temp folder (root only).

A tmpfs gives a real full disk (ENOSPC, SQLITE_FULL) and, remounted read-only,
a real read-only file system (EROFS) that stops root too, where ``chmod`` does
not. Used as a fixture: ``from tests.support.tmpfs import small_disk``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


class SmallDisk:
    """A mounted tmpfs: fill it, remount it read-only or writable again."""

    def __init__(self, mount: Path) -> None:
        self.mount = mount
        self.filler = mount / "filler"

    def _remount(self, option: str) -> None:
        subprocess.run(["mount", "-o", f"remount,{option}", str(self.mount)], check=True,
                       capture_output=True, timeout=30)

    def read_only(self) -> None:
        """Remount the disk read-only (EROFS for every writer, root included)."""
        self._remount("ro")

    def writable(self) -> None:
        """Remount the disk writable again."""
        self._remount("rw")

    def fill(self, leave: int = 16 * 1024) -> None:
        """Fill the disk until only ``leave`` bytes are free."""
        free = shutil.disk_usage(self.mount).free
        with open(self.filler, "ab") as handle:
            handle.write(b"\0" * max(0, free - leave))
        assert shutil.disk_usage(self.mount).free <= leave

    def free_space(self) -> None:
        """Remove what :meth:`fill` wrote."""
        self.filler.unlink(missing_ok=True)


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB tmpfs mounted at ``tmp_path / "disk"``; unmounted after the test."""
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (the suite runs as root in CI)")
    mount = tmp_path / "disk"
    mount.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs",
                             str(mount)], capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    try:
        yield SmallDisk(mount)
    finally:
        from models import database

        database.close()  # an open database file would keep the mount busy
        if subprocess.run(["umount", str(mount)], capture_output=True,
                          timeout=30).returncode != 0:
            subprocess.run(["umount", "-l", str(mount)], capture_output=True, timeout=30)
