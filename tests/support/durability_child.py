"""The writer killed by tests/core/test_durability.py: application-plus-round transactions
in a loop.

Run as ``python durability_child.py PROJECT_ROOT DATA_DIR TAG``. It prints
``ready`` once the data is open, then after each commit one line
``ack <application uid>``, flushed, and never stops on its own.
"""

import sys

root, data_dir, tag = sys.argv[1:4]
sys.path.insert(0, root)



from models import clock  # noqa: E402
from models.application import Application  # noqa: E402
from services.applications import editor_data, saving  # noqa: E402
from services.core.paths import DataPaths  # noqa: E402
from services.core.store import open_store  # noqa: E402

store = open_store(DataPaths(data_dir), check_integrity=False)
print("ready", flush=True)
number = 0
while True:
    number += 1
    data = editor_data.ApplicationData(
        company=f"Durable {tag}-{number}",
        role="Engineer",
        notes="n" * (number % 7 * 300),
        rounds=[
            editor_data.RoundData(
                title="Technical interview",
                starts_at=clock.now(),
                interviewers=[editor_data.InterviewerData(name="Pat Example")],
            )
        ],
    )
    application_id = saving.save(data)
    uid = Application.get_by_id(application_id).uid
    sys.stdout.write(f"ack {uid}\n")
    sys.stdout.flush()
