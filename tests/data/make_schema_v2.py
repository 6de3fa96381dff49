"""Writes ``schema_v2.sqlite3``: a database in schema 2, the one before the due index.

Made the way ``make_schema_v1.py`` is, before schema 3 landed: the DDL below is
what schema 2 created (dumped from a new file), and the rows touch every table.
Run: ``python tests/data/make_schema_v2.py``. In schema 2 the reminder list's
``(state, due_at, snoozed_until)`` index was made at run time by
``services.reminders``; this file is as schema 2 wrote it, without it.
"""

import sqlite3
from pathlib import Path

V2_DDL = """
CREATE TABLE "application" (
  "id" INTEGER NOT NULL PRIMARY KEY, "uid" VARCHAR(255) NOT NULL,
  "company" VARCHAR(255) NOT NULL, "role" VARCHAR(255) NOT NULL, "posting_url" TEXT NOT NULL,
  "channel" VARCHAR(255) NOT NULL, "agency_name" VARCHAR(255) NOT NULL,
  "recruiter_name" VARCHAR(255) NOT NULL, "recruiter_email" VARCHAR(255) NOT NULL,
  "contact_name" VARCHAR(255) NOT NULL, "contact_email" VARCHAR(255) NOT NULL,
  "stage" VARCHAR(255) NOT NULL, "salary_notes" TEXT NOT NULL, "notes" TEXT NOT NULL,
  "applied_on" DATE, "created_at" TEXT NOT NULL, "updated_at" TEXT NOT NULL);
CREATE TABLE "interview_round" (
  "id" INTEGER NOT NULL PRIMARY KEY, "uid" VARCHAR(255) NOT NULL,
  "application_id" INTEGER NOT NULL, "title" VARCHAR(255) NOT NULL, "starts_at" TEXT,
  "tz_name" VARCHAR(255) NOT NULL, "duration_minutes" INTEGER NOT NULL,
  "location" TEXT NOT NULL, "video_link" TEXT NOT NULL, "cancelled" INTEGER NOT NULL,
  "closing_phrase" TEXT NOT NULL, "asked_timeframe" INTEGER NOT NULL,
  "timeframe_value" INTEGER, "timeframe_unit" VARCHAR(255), "notes" TEXT NOT NULL,
  "ical_uid" VARCHAR(255), "ical_sequence" INTEGER NOT NULL, "created_at" TEXT NOT NULL,
  "updated_at" TEXT NOT NULL,
  FOREIGN KEY ("application_id") REFERENCES "application" ("id") ON DELETE CASCADE);
CREATE TABLE "interviewer" (
  "id" INTEGER NOT NULL PRIMARY KEY, "uid" VARCHAR(255) NOT NULL, "round_id" INTEGER NOT NULL,
  "position" INTEGER NOT NULL, "name" VARCHAR(255) NOT NULL, "title" VARCHAR(255) NOT NULL,
  "email" VARCHAR(255) NOT NULL,
  "discussed" TEXT NOT NULL,
  FOREIGN KEY ("round_id") REFERENCES "interview_round" ("id") ON DELETE CASCADE);
CREATE TABLE "email" (
  "id" INTEGER NOT NULL PRIMARY KEY, "uid" VARCHAR(255) NOT NULL,
  "application_id" INTEGER NOT NULL, "round_id" INTEGER, "interviewer_id" INTEGER,
  "template_key" VARCHAR(255) NOT NULL, "to_name" VARCHAR(255) NOT NULL,
  "to_address" VARCHAR(255) NOT NULL, "subject" TEXT NOT NULL, "body" TEXT NOT NULL,
  "state" VARCHAR(255) NOT NULL, "message_id" VARCHAR(255), "attempts" INTEGER NOT NULL,
  "error" TEXT NOT NULL, "created_at" TEXT NOT NULL, "updated_at" TEXT NOT NULL,
  "sent_at" TEXT,
  FOREIGN KEY ("application_id") REFERENCES "application" ("id") ON DELETE CASCADE,
  FOREIGN KEY ("round_id") REFERENCES "interview_round" ("id") ON DELETE SET NULL,
  FOREIGN KEY ("interviewer_id") REFERENCES "interviewer" ("id") ON DELETE SET NULL);
CREATE TABLE "offer" (
  "id" INTEGER NOT NULL PRIMARY KEY, "uid" VARCHAR(255) NOT NULL,
  "application_id" INTEGER NOT NULL, "received_on" DATE, "deadline_at" TEXT,
  "deadline_tz" VARCHAR(255) NOT NULL, "amount" DECIMAL(14, 2),
  "currency" VARCHAR(255) NOT NULL, "status" VARCHAR(255) NOT NULL, "notes" TEXT NOT NULL,
  "created_at" TEXT NOT NULL,
  FOREIGN KEY ("application_id") REFERENCES "application" ("id") ON DELETE CASCADE);
CREATE TABLE "reminder" (
  "id" INTEGER NOT NULL PRIMARY KEY, "uid" VARCHAR(255) NOT NULL, "key" VARCHAR(255) NOT NULL,
  "kind" VARCHAR(255) NOT NULL, "application_id" INTEGER, "due_at" TEXT NOT NULL,
  "text" TEXT NOT NULL, "custom" INTEGER NOT NULL, "state" VARCHAR(255) NOT NULL,
  "snoozed_until" TEXT, "shown_at" TEXT, "done_at" TEXT,
  "created_at" TEXT NOT NULL,
  FOREIGN KEY ("application_id") REFERENCES "application" ("id") ON DELETE CASCADE);
CREATE TABLE "round_signal" (
  "id" INTEGER NOT NULL PRIMARY KEY, "round_id" INTEGER NOT NULL,
  "signal" VARCHAR(255) NOT NULL,
  FOREIGN KEY ("round_id") REFERENCES "interview_round" ("id") ON DELETE CASCADE);
CREATE TABLE "schema_version" (
  "version" INTEGER NOT NULL PRIMARY KEY, "applied_at" TEXT NOT NULL);
CREATE TABLE "setting" ("key" VARCHAR(255) NOT NULL PRIMARY KEY, "value" TEXT NOT NULL);
CREATE TABLE "stage_change" (
  "id" INTEGER NOT NULL PRIMARY KEY, "application_id" INTEGER NOT NULL,
  "from_stage" VARCHAR(255), "to_stage" VARCHAR(255) NOT NULL, "changed_at" TEXT NOT NULL,
  "note" TEXT NOT NULL,
  FOREIGN KEY ("application_id") REFERENCES "application" ("id") ON DELETE CASCADE);
CREATE TABLE "template" (
  "id" INTEGER NOT NULL PRIMARY KEY, "key" VARCHAR(255) NOT NULL,
  "name" VARCHAR(255) NOT NULL, "subject" TEXT NOT NULL, "body" TEXT NOT NULL,
  "builtin" INTEGER NOT NULL, "updated_at" TEXT NOT NULL);
CREATE UNIQUE INDEX "application_uid" ON "application" ("uid");
CREATE INDEX "application_stage" ON "application" ("stage");
CREATE UNIQUE INDEX "interview_round_uid" ON "interview_round" ("uid");
CREATE INDEX "interview_round_application_id" ON "interview_round" ("application_id");
CREATE INDEX "interview_round_starts_at" ON "interview_round" ("starts_at");
CREATE INDEX "interview_round_ical_uid" ON "interview_round" ("ical_uid");
CREATE UNIQUE INDEX "interviewer_uid" ON "interviewer" ("uid");
CREATE INDEX "interviewer_round_id" ON "interviewer" ("round_id");
CREATE UNIQUE INDEX "email_uid" ON "email" ("uid");
CREATE INDEX "email_application_id" ON "email" ("application_id");
CREATE INDEX "email_round_id" ON "email" ("round_id");
CREATE INDEX "email_interviewer_id" ON "email" ("interviewer_id");
CREATE INDEX "email_state" ON "email" ("state");
CREATE UNIQUE INDEX "email_message_id" ON "email" ("message_id");
CREATE UNIQUE INDEX "offer_uid" ON "offer" ("uid");
CREATE INDEX "offer_application_id" ON "offer" ("application_id");
CREATE UNIQUE INDEX "reminder_uid" ON "reminder" ("uid");
CREATE UNIQUE INDEX "reminder_key" ON "reminder" ("key");
CREATE INDEX "reminder_kind" ON "reminder" ("kind");
CREATE INDEX "reminder_application_id" ON "reminder" ("application_id");
CREATE INDEX "reminder_due_at" ON "reminder" ("due_at");
CREATE INDEX "reminder_state" ON "reminder" ("state");
CREATE INDEX "round_signal_round_id" ON "round_signal" ("round_id");
CREATE UNIQUE INDEX "round_signal_round_id_signal" ON "round_signal" ("round_id", "signal");
CREATE INDEX "stage_change_application_id" ON "stage_change" ("application_id");
CREATE UNIQUE INDEX "template_key" ON "template" ("key");
"""

V2_DATA = """
INSERT INTO schema_version VALUES (1, '2026-10-01T09:00:00+00:00'),
 (2, '2026-11-02T09:00:00+00:00');
INSERT INTO application VALUES
 (1, 'a1', 'Lumen Analytics', 'Data Engineer', 'https://jobs.example.com/lumen/42', 'direct',
  '', '', '', 'Maria Costa', 'maria@lumen.example', 'awaiting_response', '€65–70k',
  'Referred by Ana.', '2026-10-20', '2026-10-20T08:00:00+00:00', '2026-11-10T08:00:00+00:00'),
 (2, 'a2', 'Café Núñez', 'Backend Developer', '', 'agency', 'Bright Staffing', 'Lea Hart',
  'lea@bright.example', '', '', 'offer', '', 'Ünïcode ✓ 日本語', '2026-10-25',
  '2026-10-25T10:00:00+00:00', '2026-11-12T10:00:00+00:00');
INSERT INTO stage_change VALUES
 (1, 1, NULL, 'applied', '2026-10-20T08:00:00+00:00', ''),
 (2, 1, 'applied', 'awaiting_response', '2026-11-10T08:00:00+00:00', ''),
 (3, 2, 'interviewing', 'offer', '2026-11-12T10:00:00+00:00', 'Verbal offer');
INSERT INTO interview_round VALUES
 (1, 'r1', 1, 'Technical interview', '2026-11-09T13:00:00+00:00', 'Europe/Lisbon', 60,
  '', 'https://meet.example.com/abc', 0, 'HR will contact you about next steps', 1, 2,
  'weeks', 'Went well.', 'invite-1@example.com', 1, '2026-11-01T08:00:00+00:00',
  '2026-11-09T15:00:00+00:00'),
 (2, 'r2', 2, 'Onsite', '2026-11-05T09:00:00+00:00', 'America/New_York', 120, 'HQ', '', 0,
  '', 0, NULL, NULL, '', NULL, 0, '2026-11-01T08:00:00+00:00', '2026-11-05T12:00:00+00:00');
INSERT INTO interviewer VALUES
 (1, 'i1', 1, 0, 'José Núñez', 'Engineering Manager', 'jose@lumen.example', 'Pipelines'),
 (2, 'i2', 1, 1, 'Priya Raman', 'Staff Engineer', 'priya@lumen.example', 'Testing'),
 (3, 'i3', 2, 0, 'Tom Berg', 'CTO', 'tom@cafe.example', 'Roadmap');
INSERT INTO round_signal VALUES (1, 1, 'gave_timeframe'), (2, 1, 'explained_next_steps'),
 (3, 2, 'vague');
INSERT INTO offer VALUES
 (1, 'o1', 2, '2026-11-12', '2026-11-30T17:00:00+00:00', 'America/New_York', 72000.00,
  'USD', 'open', 'Ask for a week more.', '2026-11-12T10:00:00+00:00');
INSERT INTO template VALUES
 (1, 'thank_you', 'Thank you after an interview', 'Thank you, {{ interviewer_name }}',
  'Dear {{ interviewer_name }},', 0, '2026-11-02T09:00:00+00:00');
INSERT INTO email VALUES
 (1, 'e1', 1, 1, 1, 'thank_you', 'José Núñez', 'jose@lumen.example', 'Thank you',
  'Dear José, thank you.', 'sent', '<e1@nextsteps.example>', 1, '',
  '2026-11-09T16:00:00+00:00', '2026-11-09T16:05:00+00:00', '2026-11-09T16:05:00+00:00'),
 (2, 'e2', 1, 1, 2, 'thank_you', 'Priya Raman', 'priya@lumen.example', 'Thank you',
  'Dear Priya, thank you.', 'draft', NULL, 0, '', '2026-11-09T16:00:00+00:00',
  '2026-11-09T16:02:00+00:00', NULL);
INSERT INTO reminder VALUES
 (1, 'm1', 'thanks:r1:i2', 'thank_you', 1, '2026-11-09T16:00:00+00:00',
  'Thank Priya Raman', 0, 'pending', NULL, NULL, NULL, '2026-11-09T15:00:00+00:00'),
 (2, 'm2', 'offer:o1', 'offer_deadline', 2, '2026-11-28T17:00:00+00:00',
  'The offer from Café Núñez ends soon', 0, 'snoozed', '2026-11-26T09:00:00+00:00',
  '2026-11-25T09:00:00+00:00', NULL, '2026-11-12T10:00:00+00:00'),
 (3, 'm3', 'custom:1', 'custom', NULL, '2026-11-03T09:00:00+00:00', 'Update my CV', 1,
  'done', NULL, '2026-11-03T09:00:00+00:00', '2026-11-03T10:00:00+00:00',
  '2026-11-01T09:00:00+00:00');
INSERT INTO setting VALUES ('user.name', '"Sam Rivera"'), ('ui.theme', '"dark"'),
 ('search.weekly_goal', '6');
"""


def main() -> None:
    """Regenerate the v2 database file next to this script."""
    target = Path(__file__).with_name("schema_v2.sqlite3")
    target.unlink(missing_ok=True)
    con = sqlite3.connect(target)
    con.executescript(V2_DDL)
    con.executescript(V2_DATA)
    con.commit()
    con.close()
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
