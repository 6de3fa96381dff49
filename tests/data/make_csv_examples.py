"""Writes the example spreadsheet exports used by tests/test_data_csv.py.

Each file is what a real spreadsheet produces: Excel with semicolons in
Windows-1252, Google Sheets in UTF-8 with a quoted multi-line note, a
tab-separated "Unicode text" with a BOM, LibreOffice with US dates, and a
file with rows that must be rejected. Run: ``python tests/data/make_csv_examples.py``.
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent

EXAMPLES = {
    # Excel (German locale): semicolons, Windows-1252, dd.mm.yyyy, "Job Title", "Status".
    "excel_semicolon_cp1252.csv": (
        "cp1252",
        "Company;Job Title;Status;Date Applied;URL;Notes;Recruiter\r\n"
        "Café Núñez;Backend Developer;Interviewing;03.11.2026;www.cafe-nunez.example/jobs/7;"
        "Gehalt €65k – 70k;Jürgen Weiß\r\n"
        "Müller & Söhne;Data Engineer;Offer received;28.10.2026;;\"Offer, deadline Friday\";\r\n"
        "Lumen Analytics;Analytics Engineer;Rejected;15.10.2026;"
        "https://lumen.example/careers/42;;\r\n",
    ),
    # Google Sheets: UTF-8 without BOM, commas, ISO dates, a note spanning three lines.
    "google_sheets.csv": (
        "utf-8",
        "company,position,stage,applied on,link,notes,contact,contact email\n"
        "Orbit Health,Platform Engineer,Awaiting response,2026-11-02,"
        "https://orbit.example/jobs/platform,\"Second round went well.\n"
        "They said: \"\"HR will contact you about next steps\"\".\n"
        "Follow up on the 12th.\",Mira Hoffmann,mira@orbit.example\n"
        "Northwind Logistics,SRE,ghosted,2026-10-01,,,,\n"
        "Kite Robotics,Firmware Engineer,,2026-11-20,,=HYPERLINK(\"http://evil.example\"),,\n",
    ),
    # Excel "Unicode text": UTF-16 would be the real thing; this one is a UTF-8 TSV with a BOM.
    "tab_separated_bom.tsv": (
        "utf-8-sig",
        "Company\tRole\tStatus\tDate\tPosting\tComments\n"
        "日本ソフト株式会社\tフロントエンドエンジニア\tApplied\t2026-11-18\t\tリモート可\n"
        "Zeta Bank\tQuant Developer\tWithdrawn\t2026-09-30\t\t\n",
    ),
    # LibreOffice in a US locale: month/day/year (the 11/23 shows the order).
    "us_dates.csv": (
        "utf-8",
        "Company,Title,Status,Date Applied\n"
        "Acme,Engineer,Applied,11/23/2026\n"
        "Globex,Engineer,Interview scheduled,11/05/2026\n",
    ),
    # Two good rows and three that must be rejected (no role, a bad date, a bad email).
    "with_bad_rows.csv": (
        "utf-8",
        "Company,Role,Status,Date applied,Contact email\n"
        "Good One,Engineer,Applied,2026-11-01,hr@good.example\n"
        "No Role Inc,,Applied,2026-11-01,\n"
        "Bad Date Ltd,Engineer,Applied,next Tuesday,\n"
        "Bad Mail GmbH,Engineer,Applied,2026-11-02,not-an-address\n"
        ",,,,\n"
        "Good Two,Designer,Offer,2026-11-03,\n",
    ),
}


def main() -> None:
    """Write every example next to this script."""
    for name, (encoding, text) in EXAMPLES.items():
        (HERE / name).write_bytes(text.encode(encoding))


if __name__ == "__main__":
    main()
