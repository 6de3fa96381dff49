"""The SMTP account and the SMTP connection do not import each other: the account module
(settings and keyring) loads without the connection code, which takes an Account."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT, subprocess_env


def test_the_account_module_does_not_load_the_connection_code():
    code = (
        "import sys\n"
        "import services.mail.account\n"
        "print(sorted(m for m in sys.modules if m.startswith('services.mail.smtp')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, env=subprocess_env(), timeout=60)
    assert result.stdout.split() == ["[]"], result.stderr
