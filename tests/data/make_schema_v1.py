"""Writes ``schema_v1.sqlite3``: a database in the first draft of the schema.

Kept so the file in this folder can be regenerated and its provenance read.
Run: ``python tests/data/make_schema_v1.py``. Every later schema change adds
its own ``schema_vN.sqlite3`` made the same way, before the change lands.
"""

import sqlite3
from pathlib import Path

V1_DDL = """
CREATE TABLE "schema_version" ("version" INTEGER NOT NULL PRIMARY KEY, "applied_at" TEXT NOT NULL);
CREATE TABLE "application" (
  "id" INTEGER NOT NULL PRIMARY KEY, "uid" VARCHAR(255) NOT NULL,
  "company" VARCHAR(255) NOT NULL, "role" VARCHAR(255) NOT NULL,
  "posting_url" TEXT NOT NULL, "stage" VARCHAR(255) NOT NULL,
  "salary_notes" TEXT NOT NULL, "notes" TEXT NOT NULL, "applied_on" DATE,
  "created_at" TEXT NOT NULL, "updated_at" TEXT NOT NULL);
CREATE UNIQUE INDEX "application_uid" ON "application" ("uid");
CREATE INDEX "application_stage" ON "application" ("stage");
CREATE TABLE "stage_change" (
  "id" INTEGER NOT NULL PRIMARY KEY, "application_id" INTEGER NOT NULL,
  "from_stage" VARCHAR(255), "to_stage" VARCHAR(255) NOT NULL,
  "changed_at" TEXT NOT NULL, "note" TEXT NOT NULL,
  FOREIGN KEY ("application_id") REFERENCES "application" ("id") ON DELETE CASCADE);
CREATE INDEX "stage_change_application_id" ON "stage_change" ("application_id");
CREATE TABLE "interview_round" (
  "id" INTEGER NOT NULL PRIMARY KEY, "uid" VARCHAR(255) NOT NULL,
  "application_id" INTEGER NOT NULL, "title" VARCHAR(255) NOT NULL,
  "starts_at" TEXT, "duration_minutes" INTEGER NOT NULL, "location" TEXT NOT NULL,
  "closing_phrase" TEXT NOT NULL, "asked_timeframe" INTEGER NOT NULL,
  "timeframe_days" INTEGER, "notes" TEXT NOT NULL,
  "created_at" TEXT NOT NULL, "updated_at" TEXT NOT NULL,
  FOREIGN KEY ("application_id") REFERENCES "application" ("id") ON DELETE CASCADE);
CREATE UNIQUE INDEX "interview_round_uid" ON "interview_round" ("uid");
CREATE INDEX "interview_round_application_id" ON "interview_round" ("application_id");
CREATE TABLE "interviewer" (
  "id" INTEGER NOT NULL PRIMARY KEY, "uid" VARCHAR(255) NOT NULL,
  "round_id" INTEGER NOT NULL, "position" INTEGER NOT NULL, "name" VARCHAR(255) NOT NULL,
  "title" VARCHAR(255) NOT NULL, "email" VARCHAR(255) NOT NULL, "discussed" TEXT NOT NULL,
  FOREIGN KEY ("round_id") REFERENCES "interview_round" ("id") ON DELETE CASCADE);
CREATE UNIQUE INDEX "interviewer_uid" ON "interviewer" ("uid");
CREATE INDEX "interviewer_round_id" ON "interviewer" ("round_id");
CREATE TABLE "round_signal" (
  "id" INTEGER NOT NULL PRIMARY KEY, "round_id" INTEGER NOT NULL, "signal" VARCHAR(255) NOT NULL,
  FOREIGN KEY ("round_id") REFERENCES "interview_round" ("id") ON DELETE CASCADE);
CREATE INDEX "round_signal_round_id" ON "round_signal" ("round_id");
CREATE UNIQUE INDEX "round_signal_round_id_signal" ON "round_signal" ("round_id", "signal");
CREATE TABLE "setting" ("key" VARCHAR(255) NOT NULL PRIMARY KEY, "value" TEXT NOT NULL);
"""

V1_DATA = """
INSERT INTO schema_version VALUES (1, '2026-10-01T09:00:00+00:00');
INSERT INTO application VALUES
 (1, 'a1', 'Lumen Analytics', 'Data Engineer', 'https://jobs.example.com/lumen/42',
  'awaiting_response', '€65–70k', 'Referred by Ana.', '2026-09-20',
  '2026-09-20T08:00:00+00:00', '2026-10-01T08:00:00+00:00'),
 (2, 'a2', 'Café Núñez', 'Backend Developer', '', 'applied', '', 'Ünïcode ✓ 日本語',
  '2026-09-25', '2026-09-25T10:00:00+00:00', '2026-09-25T10:00:00+00:00');
INSERT INTO stage_change VALUES
 (1, 1, NULL, 'applied', '2026-09-20T08:00:00+00:00', ''),
 (2, 1, 'applied', 'interviewing', '2026-09-24T08:00:00+00:00', ''),
 (3, 1, 'interviewing', 'awaiting_response', '2026-10-01T08:00:00+00:00', '');
INSERT INTO interview_round VALUES
 (1, 'r1', 1, 'Technical interview', '2026-09-30T13:00:00+00:00', 60, 'Video call',
  'HR will contact you about next steps', 1, 10, 'Went well.',
  '2026-09-24T08:00:00+00:00', '2026-09-30T15:00:00+00:00'),
 (2, 'r2', 1, 'Phone screen', '2026-09-24T09:00:00+00:00', 30, 'Phone', '', 0, NULL, '',
  '2026-09-22T08:00:00+00:00', '2026-09-24T09:40:00+00:00');
INSERT INTO interviewer VALUES
 (1, 'i1', 1, 0, 'José Núñez', 'Engineering Manager', 'jose@lumen.example', 'Pipelines'),
 (2, 'i2', 1, 1, 'Priya Raman', 'Staff Engineer', 'priya@lumen.example', 'Testing'),
 (3, 'i3', 2, 0, 'Tom Berg', 'Recruiter', 'tom@lumen.example', 'Salary');
INSERT INTO round_signal VALUES (1, 1, 'gave_timeframe'), (2, 1, 'explained_next_steps');
INSERT INTO setting VALUES ('user.name', '"Sam Rivera"');
"""


def main() -> None:
    """Regenerate the v1 database file next to this script."""
    target = Path(__file__).with_name("schema_v1.sqlite3")
    target.unlink(missing_ok=True)
    con = sqlite3.connect(target)
    con.executescript(V1_DDL)
    con.executescript(V1_DATA)
    con.commit()
    con.close()
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
