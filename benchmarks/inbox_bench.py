"""Inbox figures (``make bench``, suite ``inbox``): reading a real mailbox; how well replies read.

The suite starts its own Dovecot (``tests/support/imap_server.py``: root and Debian's
``dovecot-imapd`` are needed) and fills a fresh mailbox per measurement over
MULTIAPPEND with the 10,000 messages of ``benchmarks/inbox_mailbox.py``: the 109
labelled corpus messages among 9,891 other ones (newsletters, receipts, personal mail,
notifications, job alerts, tracking systems' mail about other companies; 2 to 40 KB,
2 % with a 1-5 MB attachment). The data folders hold the corpus's applications
(``tests/fixtures/mail_corpus/applications.json``, written by
``tests/support/corpus_store.py``). Details go to stderr.

``inbox_first_pass_10k_s``
    :func:`services.mail.imap.mail_pass.run_pass` over INBOX on a connection opened
    (:func:`services.mail.imap.connection.open_imap`, implicit TLS) before the clock
    starts: the wall time of the first pass over the full mailbox. Limit 20 s. How many
    messages it kept goes to stderr, with how many the corpus alone gives.

``inbox_idle_pass_ms``
    ``run_pass`` again on the same connection with no new mail: the median of N runs.
    Limit 200 ms.

``inbox_peak_rss_ratio``, ``list_filter_idle_ms``, ``list_filter_during_sync_ms``
    In a child process (``benchmarks/inbox_child.py``, started like every measured
    child, offscreen): the real main window on the corpus's applications plus
    ``benchmarks/generate.py``'s 10,000 applications (the data of ``list_filter_10k_ms``),
    a fresh mailbox as above saved as the account. Keystrokes into the list's search
    field are timed as ``list_filter_10k_ms`` is (set the text, until the table has
    repainted), first idle, then while the app's mailbox watcher makes its first pass
    (as the window runs it: the watcher's thread waits, the pass runs in a process of its
    own, its summary shown in the window as the app shows it; the password in a Secret
    Service the suite starts). ``inbox_peak_rss_ratio`` is the window's process's peak RSS
    during the pass (``VmHWM``, reset once idle) over its idle RSS (``VmRSS``). Limit 1.3.
    ``inbox_pass_process_peak_mb`` is the pass process's own peak RSS (no limit; it ends
    with the pass). ``list_filter_during_sync_ms`` is the median keystroke while the pass
    runs; its limit is 1.5 times ``list_filter_idle_ms``, the idle median of the same run.

``inbox_suggestion_precision``, ``inbox_suggestion_recall``
    ``benchmarks/inbox_corpus.py``'s evaluation of the suggested stage changes over the
    labelled corpus. Floors 0.95 and 0.80 (the value must reach them).
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import inbox_corpus  # noqa: E402
from benchmarks.harness import BenchmarkError, Figure  # noqa: E402
from benchmarks.inbox_mailbox import TOTAL, corpus_messages, mailbox  # noqa: E402
from services.core.paths import DataPaths  # noqa: E402
from services.core.store import open_store  # noqa: E402
from services.mail.imap.connection import close_imap, open_imap  # noqa: E402
from services.mail.imap.imap_account import ImapAccount  # noqa: E402
from services.mail.imap.mail_pass import run_pass  # noqa: E402
from services.mail.inbox.keeping import take_messages  # noqa: E402
from tests.support.corpus_store import add_corpus_applications  # noqa: E402
from tests.support.imap_server import ImapServer, unavailable_reason  # noqa: E402
from tests.support.keyring_service import KeyringService  # noqa: E402

FIRST_PASS_LIMIT_S = 20
IDLE_PASS_LIMIT_MS = 200
PEAK_RSS_LIMIT = 1.3
#: How much slower a keystroke may be while a pass runs than when idle.
DURING_SYNC_FACTOR = 1.5
#: The throwaway password of the benchmark's mailboxes.
PASSWORD = "bench-mailbox-secret"
CHILD_TIMEOUT_S = 600


def _say(message: str) -> None:
    print(f"  inbox: {message}", file=sys.stderr, flush=True)


def _fill(server: ImapServer, user: str) -> None:
    """A new user whose INBOX holds the benchmark's mailbox."""
    server.add_user(user, PASSWORD)
    started = time.perf_counter()
    uids = server.append_many(user, PASSWORD, mailbox())
    if len(uids) != TOTAL:
        raise BenchmarkError(f"the mailbox holds {len(uids)} messages, not {TOTAL:,}")
    _say(f"{TOTAL:,} messages appended for {user} in {time.perf_counter() - started:.1f} s")


def _account(server: ImapServer, user: str) -> ImapAccount:
    return ImapAccount(server.host, server.tls_port, "tls", user, False, "", ())


def _corpus_kept(folder: Path) -> int:
    """How many corpus messages are kept when the corpus alone is read."""
    store = open_store(DataPaths(folder))
    try:
        add_corpus_applications()
        return sum(t.kept for t in take_messages((raw, "INBOX") for raw in corpus_messages()))
    finally:
        store.close()


def pass_figures(ctx, server: ImapServer) -> list[Figure]:
    """``inbox_first_pass_10k_s`` and ``inbox_idle_pass_ms`` (see the module)."""
    user = "first-pass@example.org"
    _fill(server, user)
    expected = _corpus_kept(ctx.root / "inbox-corpus-only")
    store = open_store(DataPaths(ctx.root / "inbox-first-pass"))
    try:
        add_corpus_applications()
        client = open_imap(_account(server, user), PASSWORD,
                           tls_context=server.client_context())
        try:
            started = time.perf_counter()
            first = run_pass(client, ("INBOX",))
            took = time.perf_counter() - started
            idle = []
            for _ in range(max(5, ctx.runs)):
                started = time.perf_counter()
                again = run_pass(client, ("INBOX",))
                idle.append((time.perf_counter() - started) * 1000)
                if again.looked_at:
                    raise BenchmarkError(f"a pass without new mail read {again.looked_at}")
        finally:
            close_imap(client)
    finally:
        store.close()
    if first.looked_at != TOTAL:
        raise BenchmarkError(f"the first pass read {first.looked_at} messages, not {TOTAL:,}")
    _say(f"first pass {took:.2f} s: kept {len(first.new_matches)} of {TOTAL:,} messages "
         f"(the corpus alone: {expected}); idle passes median "
         f"{statistics.median(idle):.1f} ms, max {max(idle):.1f} ms")
    return [Figure("inbox_first_pass_10k_s", took, "s", limit=FIRST_PASS_LIMIT_S),
            Figure("inbox_idle_pass_ms", statistics.median(idle), "ms",
                   limit=IDLE_PASS_LIMIT_MS)]


def _app_data(ctx) -> Path:
    """generate.py's 10,000 applications (copied) plus the corpus's."""
    folder = ctx.root / "inbox-app"
    shutil.copytree(ctx.generated_data_dir(10_000, 20_000, 30_000), folder)
    store = open_store(DataPaths(folder))
    try:
        add_corpus_applications()
    finally:
        store.close()
    return folder


def _run_child(ctx, server: ImapServer, user: str, folder: Path) -> dict:
    config = {"host": server.host, "port": server.tls_port, "user": user,
              "password": PASSWORD, "ca_file": str(server.ca_file), "rounds": max(3, ctx.runs)}
    # The pass process reads the password from the keyring, as the app's does: a real
    # Secret Service of the benchmark's own (the measured children's file keyring is
    # refused by the app).
    folder_of_secrets = ctx.root / "inbox-keyring"
    folder_of_secrets.mkdir(exist_ok=True)
    secrets = KeyringService(folder_of_secrets)
    try:
        env = dict(ctx.env, NEXTSTEPS_BENCH_IMAP=json.dumps(config),
                   DBUS_SESSION_BUS_ADDRESS=secrets.address,
                   PYTHON_KEYRING_BACKEND="keyring.backends.SecretService.Keyring")
        return _child_report(ctx, env, folder)
    finally:
        secrets.close()


def _child_report(ctx, env: dict, folder: Path) -> dict:
    argv = [ctx.python, str(ROOT / "benchmarks" / "inbox_child.py"), str(folder)]
    report = ctx.launcher.run(argv, ROOT, env, CHILD_TIMEOUT_S)
    lines = [line for line in report["stdout"].splitlines() if line.startswith("{")]
    if report["timed_out"] or report["returncode"] != 0 or not lines:
        tail = "\n".join(report["stderr"].rstrip().splitlines()[-25:])
        raise BenchmarkError(f"the inbox child failed (exit code {report['returncode']}, "
                             f"timed out: {report['timed_out']}):\n{tail}")
    return json.loads(lines[-1])


def app_figures(ctx, server: ImapServer) -> list[Figure]:
    """The figures the child process measures (see the module)."""
    user = "app@example.org"
    _fill(server, user)
    found = _run_child(ctx, server, user, _app_data(ctx))
    idle, during = found["idle_ms"], found["during_ms"]
    if len(during) < 10:
        raise BenchmarkError(f"only {len(during)} keystrokes were timed during the pass")
    ratio = found["peak_rss_kb"] / found["idle_rss_kb"]
    idle_median, during_median = statistics.median(idle), statistics.median(during)
    _say(f"app with {found['applications']:,} applications: idle RSS "
         f"{found['idle_rss_kb'] / 1024:.1f} MB, peak during the first pass "
         f"{found['peak_rss_kb'] / 1024:.1f} MB; the watcher's pass took {found['pass_s']:.1f} s "
         f"in a process of its own, whose peak RSS was "
         f"{found['pass_process_peak_kb'] / 1024:.1f} MB")
    _say(f"typed {', '.join(map(repr, found['typed']))}: idle {len(idle)} keystrokes, median "
         f"{idle_median:.2f} ms, max {max(idle):.1f}; during the pass {len(during)}, median "
         f"{during_median:.2f} ms, 90th percentile "
         f"{statistics.quantiles(during, n=10)[-1]:.1f}, max {max(during):.1f} ms")
    return [Figure("inbox_peak_rss_ratio", ratio, "x", limit=PEAK_RSS_LIMIT),
            Figure("inbox_pass_process_peak_mb", found["pass_process_peak_kb"] / 1024, "MB"),
            Figure("list_filter_idle_ms", idle_median, "ms"),
            Figure("list_filter_during_sync_ms", during_median, "ms",
                   limit=round(DURING_SYNC_FACTOR * idle_median, 2))]


def corpus_figures() -> list[Figure]:
    """Precision and recall of the suggested stage changes over the labelled corpus."""
    precision, recall = inbox_corpus.figures()
    return [Figure("inbox_suggestion_precision", precision, "",
                   floor=inbox_corpus.PRECISION_TARGET),
            Figure("inbox_suggestion_recall", recall, "", floor=inbox_corpus.RECALL_TARGET)]


def figures(ctx) -> list[Figure]:
    """Every figure of this module (``ctx`` is ``benchmarks/run.py``'s Context)."""
    reason = unavailable_reason()
    if reason is not None:
        raise BenchmarkError(f"the inbox figures cannot be measured here: {reason}")
    results = corpus_figures()
    server = ImapServer().start()
    try:
        results = pass_figures(ctx, server) + app_figures(ctx, server) + results
    finally:
        server.stop()
    return results
