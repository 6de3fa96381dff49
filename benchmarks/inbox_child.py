"""The app's side of the inbox benchmark: a child process with the real main window.

    python benchmarks/inbox_child.py DATA_DIR     (with NEXTSTEPS_BENCH_IMAP set, see below)

Started by ``benchmarks/inbox_bench.py`` through the benchmark launcher, offscreen.
``NEXTSTEPS_BENCH_IMAP`` holds JSON: ``host``, ``port``, ``user``, ``password`` (a
throwaway one of the benchmark's own Dovecot), ``ca_file`` and ``rounds``. The child
shows the main window on DATA_DIR (clock pinned, as the screenshots have it) and waits
until the list holds every application. Then:

1. it types into the list's search field :data:`rounds` times (every prefix of
   ``benchmarks/list_index.py``'s :func:`typed_prefixes`, one character at a time,
   after clearing), each keystroke timed from ``setText`` until the table has
   repainted (as ``list_filter_10k_ms`` is timed), with a short wait in the event
   loop between keystrokes, as between a typist's keys;
2. it reads ``VmRSS`` (the idle figure) and resets ``VmHWM`` (``/proc/self/clear_refs``);
3. it saves the mailbox as the app's account (the password into the benchmark's own
   Secret Service, whose bus the environment names) and starts a
   :class:`~services.mail.imap.watcher.MailboxWatcher` thread on it as the window's
   ``MailboxWatch`` does: each pass runs in a child process
   (:class:`~services.mail.imap.pass_process.PassProcess`), its summary handed to the UI
   thread by a queued signal, where the window refreshes its messages; and types the same
   way until that has happened;
4. it reads ``VmHWM`` and prints one JSON line: ``idle_rss_kb``, ``peak_rss_kb``,
   ``pass_process_peak_kb`` (the largest pass process's peak RSS, from
   ``getrusage(RUSAGE_CHILDREN)``), ``idle_ms`` and ``during_ms`` (every keystroke's
   time), ``pass_s``, ``applications``.
"""

from __future__ import annotations

import gc
import json
import os
import re
import resource
import ssl
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer, Signal  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from benchmarks.list_index import TYPED, typed_prefixes  # noqa: E402
from models import clock  # noqa: E402
from services.core.paths import DataPaths  # noqa: E402
from services.core.snapshot import read_snapshot  # noqa: E402
from services.core.store import open_store  # noqa: E402
from services.core.version import __version__  # noqa: E402
from services.mail.imap.connection import open_imap  # noqa: E402
from services.mail.imap.imap_account import ImapAccount, save_imap_account  # noqa: E402
from services.mail.imap.pass_process import PassProcess  # noqa: E402
from services.mail.imap.watcher import MailboxWatcher  # noqa: E402
from ui.shell.app import make_application  # noqa: E402
from ui.shell.main_window import MainWindow  # noqa: E402

#: The wait in the event loop between two keystrokes (ms).
BETWEEN_KEYS_MS = 40
#: The longest the first pass may take before the child gives up (s).
PASS_TIMEOUT_S = 300


def status_kb(field: str) -> int:
    """A ``/proc/self/status`` field in KB (``VmRSS``, ``VmHWM``)."""
    text = Path("/proc/self/status").read_text(encoding="ascii")
    return int(re.search(rf"^{field}:\s+(\d+)", text, re.MULTILINE).group(1))


def wait(ms: int) -> None:
    """Run the event loop for ``ms`` milliseconds (the UI thread idles as in the app)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


class Typist:
    """Types into the applications list's search field and times each keystroke until the
    table has repainted (see ``benchmarks/list_index.py``'s ``ListView.settle``)."""

    def __init__(self, window: MainWindow) -> None:
        self.app = QApplication.instance()
        self.view = window.view("applications")
        self.viewport = self.view.table.viewport()
        self.prefixes = typed_prefixes(self.view.model.index_data)
        self.painted = False
        owner = self

        class _PaintWatch(QObject):
            def eventFilter(self, _watched, event) -> bool:
                if event.type() == QEvent.Type.Paint:
                    owner.painted = True
                return False

        self._watch = _PaintWatch()
        self.viewport.installEventFilter(self._watch)

    def _settle(self) -> None:
        self.painted = False
        for _ in range(20):
            self.app.processEvents()
            if self.painted:
                return
        self.viewport.repaint()

    def type_text(self, text: str) -> float:
        """One keystroke: the search field's text set, the table filtered and repainted (ms)."""
        started = time.perf_counter()
        self.view.search.setText(text)
        self._settle()
        return (time.perf_counter() - started) * 1000

    def one_prefix(self, prefix: str) -> list[float]:
        """Clear the search, then type ``prefix`` one character at a time; each time in ms."""
        self.type_text("")
        gc.collect()
        times = []
        for length in range(1, len(prefix) + 1):
            wait(BETWEEN_KEYS_MS)
            times.append(self.type_text(prefix[:length]))
        return times

    def rounds(self, count: int) -> list[float]:
        """Every prefix typed ``count`` times."""
        return [ms for _ in range(count) for prefix in self.prefixes
                for ms in self.one_prefix(prefix)]


def _load_everything(window: MainWindow) -> int:
    """Show the applications list with every application loaded; how many there are."""
    window.show_view("applications")
    view = window.view("applications")
    view.ensure_complete()
    deadline = time.monotonic() + 60
    while not view.model.index_data.complete:
        if time.monotonic() > deadline:
            raise SystemExit("the application list did not load within 60 s")
        wait(20)
    wait(1000)
    return view.model.index_data.total


class _Bridge(QObject):
    """Lives on the UI thread; the watcher's thread emits (as in ui/mail/mailbox_watch.py)."""

    passed = Signal(object)
    problem = Signal(str)


def _watch_first_pass(window: MainWindow, account: ImapAccount, connect, ca_file: str,
                      typist: Typist) -> tuple:
    """Start a mailbox watcher; type until its first pass is shown in the window.
    Returns (every keystroke's time, the pass's wall time in s)."""
    bridge, shown, problems = _Bridge(), [], []
    queued = Qt.ConnectionType.QueuedConnection

    def passed(summary) -> None:
        if summary.new:
            window.refresh_messages()
        shown.append(time.perf_counter())

    bridge.passed.connect(passed, queued)
    bridge.problem.connect(problems.append, queued)
    run_pass = PassProcess(window.paths.root, env={"SSL_CERT_FILE": ca_file})
    watcher = MailboxWatcher(account, connect, on_pass=bridge.passed.emit,
                             on_problem=bridge.problem.emit, run_pass=run_pass)
    started = time.perf_counter()
    watcher.start()
    during: list[float] = []
    while not shown:
        if problems:
            raise SystemExit(f"the mailbox watcher failed: {problems[0]}")
        if time.perf_counter() - started > PASS_TIMEOUT_S:
            raise SystemExit(f"no pass shown within {PASS_TIMEOUT_S} s")
        for prefix in typist.prefixes:
            during.extend(typist.one_prefix(prefix))
            if shown:
                break
    took = shown[0] - started
    watcher.stop()
    return during, took


def main(argv: list[str]) -> int:
    """Measure as the module says; print the JSON line."""
    config = json.loads(os.environ["NEXTSTEPS_BENCH_IMAP"])
    clock.pin(datetime.now(UTC), "Europe/Berlin")
    make_application()
    paths = DataPaths(Path(argv[1]))
    store = open_store(paths)
    context = ssl.create_default_context(cafile=config["ca_file"])
    account = save_imap_account(ImapAccount(config["host"], int(config["port"]), "tls",
                                            config["user"], False, "", ()),
                                config["password"])
    window = MainWindow(paths, read_snapshot(paths), __version__, store, remember_state=False)
    window.resize(1200, 800)
    window.show()
    applications = _load_everything(window)
    typist = Typist(window)
    idle = typist.rounds(int(config["rounds"]))
    gc.collect()
    wait(500)
    idle_rss = status_kb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
    during, took = _watch_first_pass(
        window, account,
        lambda: open_imap(account, config["password"], tls_context=context),
        config["ca_file"], typist)
    wait(500)
    peak = status_kb("VmHWM")
    pass_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"idle_rss_kb": idle_rss, "peak_rss_kb": peak,
                      "pass_process_peak_kb": pass_peak, "idle_ms": idle,
                      "during_ms": during, "pass_s": took, "applications": applications,
                      "typed": typist.prefixes, "typed_chars": TYPED}), flush=True)
    window.close()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
