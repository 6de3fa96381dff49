"""Mail figures that used to be timing asserts in unit tests (``make bench``, suite ``mail``).

``similarity_6x300_ms``
    :func:`services.mail.similarity.compare` on six drafts of 300 words to one company, all
    alike (the slowest case: every pair is flagged and its shared passages found), built
    from the notes of ``tests/fixtures/similarity/``. Best of N runs. Limit 50 ms.

``smtp_silent_timeout_s``
    :func:`services.mail.sender.send_one` with a 0.5 s timeout against a server on
    127.0.0.1 that accepts the connection and never says a word (``tests/support/smtp_server.py``'s
    ``SilentServer``): how long until the draft is failed with its sentence. Median.
    Limit 3 s.

``account_test_max_stall_ms``
    Settings → Email account's "Test connection" against the same silent server with a
    1.5 s timeout, in an offscreen window: the longest gap between two ticks of a 10 ms
    timer while the test runs, i.e. the longest the window stopped answering. Median of
    the runs' worst gaps. Limit 100 ms.
"""

from __future__ import annotations

import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.harness import Figure  # noqa: E402

SIMILARITY_LIMIT_MS = 50
SILENT_TIMEOUT_LIMIT_S = 3
ACCOUNT_STALL_LIMIT_MS = 100


def _similarity_drafts() -> list:
    from services.mail.similarity import DraftText
    from tests.mail.test_similarity import ALL

    seen: set[str] = set()
    source = ""
    for example in ALL:
        for _name, body in example.notes:
            text = body.split("\n", 2)[2]
            if text not in seen:
                seen.add(text)
                source += " " + text
    base = " ".join(source.split()[:300])
    names = ["Ann Lee", "Bo Kim", "Cy Ray", "Di Fox", "Ed Moe", "Flo Day"]
    return [DraftText(n, name, "Acme", f"Dear {name.split()[0]},\n\n{base}\n\nBest,\nSam")
            for n, name in enumerate(names)]


def similarity_figure(runs: int) -> Figure:
    """``similarity_6x300_ms``: the best of ``runs`` comparisons."""
    from services.mail.similarity import compare

    drafts = _similarity_drafts()
    timings = []
    for _ in range(max(5, runs)):
        started = time.perf_counter()
        pairs = compare(drafts)
        timings.append((time.perf_counter() - started) * 1000)
    if len(pairs) != 15:
        raise RuntimeError(f"expected 15 similar pairs, found {len(pairs)}")
    return Figure("similarity_6x300_ms", min(timings), "ms", limit=SIMILARITY_LIMIT_MS)


def _isolated(folder: Path) -> None:
    """A temp home, data folder and file keyring for this process, as the tests have."""
    home = folder / "home"
    (home / ".local/share").mkdir(parents=True, exist_ok=True)
    os.environ["HOME"] = str(home)
    os.environ["XDG_DATA_HOME"] = str(home / ".local/share")
    os.environ["XDG_CONFIG_HOME"] = str(home / ".config")


def silent_timeout_figure(folder: Path, runs: int) -> Figure:
    """``smtp_silent_timeout_s``: the median time to give up on a silent server."""
    from services.core.paths import DataPaths
    from services.core.store import open_store
    from services.mail import sender as mail_sender
    from tests.support.smtp_server import PASSWORD, SilentServer, account_for, make_emails

    store = open_store(DataPaths(folder / "data"))
    server = SilentServer()
    timings = []
    try:
        for _ in range(max(3, runs)):
            [email_id] = make_emails([("Ana Lima", "ana@example.org")])
            mail_sender.queue([email_id])
            started = time.perf_counter()
            result = mail_sender.send_one(email_id, account_for(server), PASSWORD,
                                          timeout=0.5, retry_delay=0)
            timings.append(time.perf_counter() - started)
            if result.state.value != "failed":
                raise RuntimeError(f"a silent server should fail the draft: {result}")
    finally:
        server.stop()
        store.close()
    return Figure("smtp_silent_timeout_s", statistics.median(timings), "s",
                  limit=SILENT_TIMEOUT_LIMIT_S)


def account_stall_figure(folder: Path, runs: int) -> Figure:
    """``account_test_max_stall_ms``: the window's longest stall during a connection test."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from services.core.paths import DataPaths
    from services.core.store import open_store
    from tests.support.smtp_server import PASSWORD, USER, SilentServer
    from ui.mail.account_page import AccountPage

    app = QApplication.instance() or QApplication([])
    store = open_store(DataPaths(folder / "account-data"))
    server = SilentServer()
    worst = []
    try:
        for _ in range(max(3, runs // 3)):
            page = AccountPage(timeout=1.5)
            page.show()
            page.sender_name.setText("Zoé Durand")
            page.sender_address.setText(USER)
            page.host.setText(server.host)
            page.security.setCurrentIndex(page.security.findData("starttls"))
            page.port.setValue(server.port)
            page.username.setText(USER)
            page.password.setText(PASSWORD)
            app.processEvents()
            ticks: list[float] = []
            timer = QTimer()
            timer.timeout.connect(lambda ticks=ticks: ticks.append(time.perf_counter()))
            loop = QEventLoop()
            page.tested.connect(loop.quit)
            timer.start(10)
            ticks.append(time.perf_counter())
            page.test_button.click()
            loop.exec()
            timer.stop()
            worst.append(max(b - a for a, b in itertools.pairwise(ticks)) * 1000)
            page.close()
            page.deleteLater()
            app.processEvents()
    finally:
        server.stop()
        store.close()
    return Figure("account_test_max_stall_ms", statistics.median(worst), "ms",
                  limit=ACCOUNT_STALL_LIMIT_MS)


def figures(runs: int) -> list[Figure]:
    """Every figure of this module, measured in this process in a temp folder (the
    environment is put back afterwards)."""
    saved = dict(os.environ)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        with tempfile.TemporaryDirectory(prefix="nextsteps-mail-bench-") as tmp:
            folder = Path(tmp)
            _isolated(folder)
            results = [similarity_figure(runs), silent_timeout_figure(folder, runs),
                       account_stall_figure(folder, runs)]
    finally:
        os.environ.clear()
        os.environ.update(saved)
    for figure in results:
        print(f"  mail: {figure.name} {figure.value:.3f} {figure.unit}", file=sys.stderr,
              flush=True)
    return results


if __name__ == "__main__":
    for result in figures(int(sys.argv[1]) if len(sys.argv) > 1 else 5):
        print(result.as_json())
