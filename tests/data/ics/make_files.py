# ruff: noqa: E501 - the invitation lines are kept exactly as the clients write them
"""Regenerate the invitation files here (CRLF, folded at 75 octets, as the clients write them).

    python tests/data/ics/make_files.py

Each file follows the shape of what the named client produces (properties, their order,
parameters and vendor extensions); names, addresses and links are made up.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent


def fold(line: str) -> str:
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    pieces, start, limit = [], 0, 75
    while start < len(data):
        end = start + limit
        if end < len(data):
            while data[end] & 0xC0 == 0x80:
                end -= 1
        pieces.append(data[start:end].decode("utf-8"))
        start, limit = end, 74
    return "\r\n ".join(pieces)


def write(name: str, text: str, *, crlf: bool = True) -> None:
    lines = [line for line in text.strip("\n").split("\n")]
    end = "\r\n" if crlf else "\n"
    (HERE / name).write_bytes((end.join(fold(line) for line in lines) + end).encode("utf-8"))


GOOGLE_TZ = """BEGIN:VTIMEZONE
TZID:Europe/Berlin
X-LIC-LOCATION:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:GMT+2
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:GMT+1
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE"""

GOOGLE_DESCRIPTION = (
    "Hi Sam\\, looking forward to the technical interview with José\\, Priya and "
    "Lukas.\\n\\nPlease have a look at our data contracts post before.\\n\\n-::~:~::~:~:~:~:"
    "~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~::~:~::-\\n"
    "Join with Google Meet: https://meet.google.com/abc-defg-hij\\nOr dial: (DE) +49 30 "
    "300195033 PIN: 123456789#\\nMore phone numbers: https://tel.meet/abc-defg-hij?pin=1234"
    "\\n\\nLearn more about Meet at: https://support.google.com/a/users/answer/9282720\\n\\n"
    "Please do not edit this section.\\n-::~:~::~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:"
    "~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~::~:~::-"
)


def google(name: str, *, method: str, sequence: int, start: str, end: str, status: str,
           stamp: str) -> None:
    write(name, f"""
BEGIN:VCALENDAR
PRODID:-//Google Inc//Google Calendar 70.9054//EN
VERSION:2.0
CALSCALE:GREGORIAN
METHOD:{method}
{GOOGLE_TZ}
BEGIN:VEVENT
DTSTART;TZID=Europe/Berlin:{start}
DTEND;TZID=Europe/Berlin:{end}
DTSTAMP:{stamp}
ORGANIZER;CN=Mira Hoffmann:mailto:mira.hoffmann@lumen-analytics.example
UID:3kq9v7m2c1h8pt4q0dlr6b5j2s@google.com
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Mira Hoffmann;X-NUM-GUESTS=0:mailto:mira.hoffmann@lumen-analytics.example
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=José Núñez;X-NUM-GUESTS=0:mailto:jose.nunez@lumen-analytics.example
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=Priya Raman;X-NUM-GUESTS=0:mailto:priya.raman@lumen-analytics.example
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=OPT-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=lukas.brandt@lumen-analytics.example;X-NUM-GUESTS=0:mailto:lukas.brandt@lumen-analytics.example
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=sam.rivera@example.net;X-NUM-GUESTS=0:mailto:sam.rivera@example.net
ATTENDEE;CUTYPE=RESOURCE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Berlin-3-Spree (6);X-NUM-GUESTS=0:mailto:c_1889ab@resource.calendar.google.com
X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij
X-MICROSOFT-CDO-OWNERAPPTID:-1948271733
CREATED:20240502T091500Z
DESCRIPTION:{GOOGLE_DESCRIPTION}
LAST-MODIFIED:{stamp}
LOCATION:Lumen Analytics\\, Oranienstraße 24\\, 10999 Berlin
SEQUENCE:{sequence}
STATUS:{status}
SUMMARY:Technical interview – Lumen Analytics
TRANSP:OPAQUE
BEGIN:VALARM
ACTION:DISPLAY
DESCRIPTION:This is an event reminder
TRIGGER:-P0DT0H30M0S
END:VALARM
END:VEVENT
END:VCALENDAR
""")


google("google_request.ics", method="REQUEST", sequence=0, start="20240514T140000",
       end="20240514T153000", status="CONFIRMED", stamp="20240502T091512Z")
google("google_update.ics", method="REQUEST", sequence=1, start="20240515T103000",
       end="20240515T120000", status="CONFIRMED", stamp="20240508T161044Z")
google("google_cancel.ics", method="CANCEL", sequence=2, start="20240515T103000",
       end="20240515T120000", status="CANCELLED", stamp="20240512T080301Z")

WINDOWS_EUROPE_TZ = """BEGIN:VTIMEZONE
TZID:W. Europe Standard Time
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE"""

write("outlook_teams_request.ics", f"""
BEGIN:VCALENDAR
METHOD:REQUEST
PRODID:Microsoft Exchange Server 2010
VERSION:2.0
{WINDOWS_EUROPE_TZ}
BEGIN:VEVENT
ORGANIZER;CN=Greta Lindqvist:mailto:greta.lindqvist@northwind.example
ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=sam.rivera@example.net:mailto:sam.rivera@example.net
ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=Omar Haddad:mailto:omar.haddad@northwind.example
ATTENDEE;ROLE=OPT-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN="Okafor, Hannah":mailto:hannah.okafor@brightpath.example
DESCRIPTION;LANGUAGE=en-US:Hello Sam\\,\\n\\nWe look forward to speaking with you about the Platform Engineer role.\\n\\n________________________________________________________________________________\\nMicrosoft Teams meeting\\nJoin on your computer\\, mobile app or room device\\nClick here to join the meeting<https://teams.microsoft.com/l/meetup-join/19%3ameeting_NWQ4ZTM2%40thread.v2/0?context=%7b%22Tid%22%3a%22a1b2%22%7d>\\nMeeting ID: 347 992 116 285\\nPasscode: 7hFq2s\\n________________________________________________________________________________\\n
UID:040000008200E00074C5B7101A82E00800000000D0C3F2A6B89FDA0100000000000000001000000089D1C8E8A4E1B44FA8E0A5E8E0F2C3D1
SUMMARY;LANGUAGE=en-US:Panel interview – Platform Engineer (Northwind Logistics)
DTSTART;TZID="W. Europe Standard Time":20240612T110000
DTEND;TZID="W. Europe Standard Time":20240612T120000
CLASS:PUBLIC
PRIORITY:5
DTSTAMP:20240603T142211Z
TRANSP:OPAQUE
STATUS:CONFIRMED
SEQUENCE:0
LOCATION;LANGUAGE=en-US:Microsoft Teams Meeting
X-MICROSOFT-CDO-APPT-SEQUENCE:0
X-MICROSOFT-CDO-OWNERAPPTID:2122418012
X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE
X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY
X-MICROSOFT-CDO-ALLDAYEVENT:FALSE
X-MICROSOFT-CDO-IMPORTANCE:1
X-MICROSOFT-CDO-INSTTYPE:0
X-MICROSOFT-SKYPETEAMSMEETINGURL:https://teams.microsoft.com/l/meetup-join/19%3ameeting_NWQ4ZTM2%40thread.v2/0?context=%7b%22Tid%22%3a%22a1b2%22%7d
X-MICROSOFT-SCHEDULINGSERVICEUPDATEURL:https://api.scheduler.teams.microsoft.com/teams/a1b2/c3d4/19_meeting_NWQ4ZTM2@thread.v2/0
X-MICROSOFT-DONOTFORWARDMEETING:FALSE
X-MICROSOFT-DISALLOW-COUNTER:FALSE
X-MICROSOFT-LOCATIONS:[ {{ "DisplayName" : "Microsoft Teams Meeting"\\, "LocationAnnotation" : ""\\, "LocationSource" : 0\\, "Unresolved" : false\\, "LocationUri" : "" }} ]
X-MS-OLK-AUTOFILLLOCATION:FALSE
X-MS-OLK-CONFTYPE:0
BEGIN:VALARM
DESCRIPTION:REMINDER
TRIGGER;RELATED=START:-PT15M
ACTION:DISPLAY
END:VALARM
END:VEVENT
END:VCALENDAR
""")

write("outlook_eastern.ics", """
BEGIN:VCALENDAR
PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN
VERSION:2.0
METHOD:REQUEST
X-MS-OLK-FORCEINSPECTOROPEN:TRUE
BEGIN:VTIMEZONE
TZID:Eastern Standard Time
BEGIN:STANDARD
DTSTART:16011104T020000
RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010311T020000
RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
ATTENDEE;CN="Sam Rivera";RSVP=TRUE:mailto:sam.rivera@example.net
CLASS:PUBLIC
CREATED:20240610T150203Z
DESCRIPTION:Hi Sam\\, this is the call with Rachel about the Python Developer role.\\n
DTEND;TZID="Eastern Standard Time":20240702T164500
DTSTAMP:20240610T150203Z
DTSTART;TZID="Eastern Standard Time":20240702T160000
LAST-MODIFIED:20240610T150203Z
LOCATION:Microsoft Teams Meeting
ORGANIZER;CN="Rachel Kim":mailto:rachel.kim@quill-ledger.example
PRIORITY:5
SEQUENCE:0
SUMMARY;LANGUAGE=en-us:Hiring manager call – Quill & Ledger
TRANSP:OPAQUE
UID:040000008200E00074C5B7101A82E008000000002048C2E3A0BBDA01000000000000000010000000F4E7B31D2B43A64D9A31B7E1C1AE1DA4
X-ALT-DESC;FMTTYPE=text/html:<html><body><p>Hi Sam\\, this is the call with Rachel.</p></body></html>
X-MICROSOFT-CDO-BUSYSTATUS:BUSY
X-MICROSOFT-CDO-IMPORTANCE:1
X-MICROSOFT-DISALLOW-COUNTER:FALSE
X-MS-OLK-AUTOFILLLOCATION:FALSE
X-MS-OLK-CONFTYPE:0
BEGIN:VALARM
TRIGGER:-PT15M
ACTION:DISPLAY
DESCRIPTION:Reminder
END:VALARM
END:VEVENT
END:VCALENDAR
""")

write("outlook_custom_zone.ics", """
BEGIN:VCALENDAR
PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN
VERSION:2.0
METHOD:REQUEST
BEGIN:VTIMEZONE
TZID:Customized Time Zone
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
ORGANIZER;CN="Daniel Weiss":mailto:daniel.weiss@orbithealth.example
ATTENDEE;CN="Sofia Costa";RSVP=TRUE:mailto:sofia.costa@orbithealth.example
DTSTART;TZID="Customized Time Zone":20240618T150000
DTEND;TZID="Customized Time Zone":20240618T161500
DTSTAMP:20240611T101010Z
SEQUENCE:0
SUMMARY:Final interview
UID:040000008200E00074C5B7101A82E0080000000090B1C2D3E4F5DA01000000000000000010000000AABBCCDDEEFF00112233445566778899
LOCATION:Video call
X-MICROSOFT-CDO-BUSYSTATUS:BUSY
END:VEVENT
END:VCALENDAR
""")

write("zoom_publish.ics", """
BEGIN:VCALENDAR
PRODID:-//zoom.us//iCalendar Event//EN
VERSION:2.0
CALSCALE:GREGORIAN
METHOD:PUBLISH
CLASS:PUBLIC
BEGIN:VTIMEZONE
TZID:America/New_York
LAST-MODIFIED:20230407T050750Z
TZURL:https://www.tzurl.org/zoneinfo-outlook/America/New_York
X-LIC-LOCATION:America/New_York
BEGIN:DAYLIGHT
TZNAME:EDT
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
DTSTART:19700308T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
END:DAYLIGHT
BEGIN:STANDARD
TZNAME:EST
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
DTSTART:19701101T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
DTSTAMP:20240605T201500Z
DTSTART;TZID=America/New_York:20240618T093000
DTEND;TZID=America/New_York:20240618T113000
SUMMARY:Kestrel Robotics – Pairing session
UID:20240605T201500Z-88812345678@fe80:0:0:0:1c2b:3ff:fe4d:5e6f%ens5
TZID:America/New_York
DESCRIPTION:Ines Moreau is inviting you to a scheduled Zoom meeting.\\n\\nJoin Zoom Meeting\\nhttps://us02web.zoom.us/j/88812345678?pwd=Q2FmZUJhYmVsT2Zmc2V0\\n\\nMeeting ID: 888 1234 5678\\nPasscode: 417305\\n\\n---\\n\\nOne tap mobile\\n+13017158592\\,\\,88812345678#\\,\\,\\,\\,*417305# US (Washington DC)\\n
LOCATION:https://us02web.zoom.us/j/88812345678?pwd=Q2FmZUJhYmVsT2Zmc2V0
URL:https://us02web.zoom.us/j/88812345678?pwd=Q2FmZUJhYmVsT2Zmc2V0
ORGANIZER;CN=Ines Moreau:mailto:ines.moreau@kestrel-robotics.example
BEGIN:VALARM
TRIGGER:-PT10M
ACTION:DISPLAY
DESCRIPTION:Reminder
END:VALARM
END:VEVENT
END:VCALENDAR
""")

write("apple_floating.ics", """
BEGIN:VCALENDAR
METHOD:PUBLISH
VERSION:2.0
X-WR-CALNAME:Interviews
PRODID:-//Apple Inc.//macOS 14.4.1//EN
X-APPLE-CALENDAR-COLOR:#1BADF8
CALSCALE:GREGORIAN
BEGIN:VEVENT
TRANSP:OPAQUE
DTEND:20240620T110000
X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC
UID:6C2F1B1E-9D1A-4E0B-9E63-3F1E0D4C7B21
DTSTAMP:20240607T082233Z
LOCATION:Northwind office\\nHafenstraße 12\\, 20457 Hamburg\\, Germany
X-APPLE-STRUCTURED-LOCATION;VALUE=URI;X-ADDRESS="Hafenstraße 12, 20457 Hamburg, Germany";X-APPLE-MAPKIT-HANDLE=CAESoQEIrk0aEgm4;X-APPLE-RADIUS=70.58;X-APPLE-REFERENCEFRAME=1;X-TITLE="Northwind office":geo:53.541337,9.984105
SEQUENCE:0
SUMMARY:Second interview – Northwind Logistics
LAST-MODIFIED:20240607T082233Z
CREATED:20240607T082104Z
DTSTART:20240620T093000
ORGANIZER;CN="Sam Rivera";EMAIL="sam.rivera@example.net":mailto:sam.rivera@example.net
ATTENDEE;CN="Greta Lindqvist";CUTYPE=INDIVIDUAL;EMAIL="greta.lindqvist@northwind.example";PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:greta.lindqvist@northwind.example
ATTENDEE;CN="Sam Rivera";CUTYPE=INDIVIDUAL;EMAIL="sam.rivera@example.net";PARTSTAT=ACCEPTED;ROLE=CHAIR:mailto:sam.rivera@example.net
BEGIN:VALARM
X-WR-ALARMUID:0F4D6A0B-7E34-4C7A-8E2F-5B0C9A1D2E3F
UID:0F4D6A0B-7E34-4C7A-8E2F-5B0C9A1D2E3F
TRIGGER:-PT1H
ATTACH;VALUE=URI:Chord
ACTION:AUDIO
X-APPLE-DEFAULT-ALARM:TRUE
ACKNOWLEDGED:20240607T082104Z
END:VALARM
END:VEVENT
END:VCALENDAR
""")

write("apple_utc.ics", """
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Apple Inc.//iPhone OS 17.5//EN
CALSCALE:GREGORIAN
BEGIN:VEVENT
CREATED:20240608T101500Z
DTEND:20240621T090000Z
DTSTAMP:20240608T101612Z
DTSTART:20240621T080000Z
LAST-MODIFIED:20240608T101611Z
SEQUENCE:0
SUMMARY:Recruiter call – Tern Travel
UID:A1B2C3D4-E5F6-4711-8899-AABBCCDDEEFF
URL;VALUE=URI:
X-APPLE-CREATOR-IDENTITY:com.apple.mobilecal
X-APPLE-CREATOR-TEAM-IDENTITY:0000000000
ORGANIZER;CN="Lena Vogt":mailto:lena.vogt@tern-travel.example
ATTENDEE;CN="Sam Rivera";PARTSTAT=ACCEPTED:mailto:sam.rivera@example.net
END:VEVENT
END:VCALENDAR
""", crlf=False)

write("ats_floating.ics", """
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Talent Scheduler//Interview Invite 3.2//EN
METHOD:REQUEST
BEGIN:VEVENT
UID:interview-58211-2024-06-24@talent-scheduler.example
DTSTAMP:20240612T090000Z
DTSTART:20240624T150000
DTEND:20240624T153000
SUMMARY:Phone screen: Data Platform Engineer at Atlas Mobility
ORGANIZER;CN=Atlas Mobility Recruiting:mailto:jobs@atlas-mobility.example
ATTENDEE;CN=Sam Rivera;RSVP=TRUE:mailto:sam.rivera@example.net
ATTENDEE;CN=Tobias Berg:mailto:tobias.berg@atlas-mobility.example
DESCRIPTION:We will call you on the number you gave us.
LOCATION:Phone
END:VEVENT
END:VCALENDAR
""")

write("allday.ics", """
BEGIN:VCALENDAR
PRODID:-//Google Inc//Google Calendar 70.9054//EN
VERSION:2.0
CALSCALE:GREGORIAN
METHOD:REQUEST
BEGIN:VEVENT
DTSTART;VALUE=DATE:20240625
DTEND;VALUE=DATE:20240626
DTSTAMP:20240613T071500Z
ORGANIZER;CN=Daniel Weiss:mailto:daniel.weiss@orbithealth.example
UID:0m4nd8b2k9q7r3s5t1u6v2w8x4@google.com
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=sam.rivera@example.net;X-NUM-GUESTS=0:mailto:sam.rivera@example.net
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Daniel Weiss;X-NUM-GUESTS=0:mailto:daniel.weiss@orbithealth.example
CREATED:20240613T071433Z
DESCRIPTION:A day with the team: pairing\\, lunch and a talk with the founders.
LAST-MODIFIED:20240613T071500Z
LOCATION:Orbit Health\\, Torstraße 1\\, Berlin
SEQUENCE:0
STATUS:CONFIRMED
SUMMARY:On-site day at Orbit Health
TRANSP:TRANSPARENT
END:VEVENT
END:VCALENDAR
""")

write("several_events.ics", """
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Talent Scheduler//Interview Invite 3.2//EN
METHOD:PUBLISH
BEGIN:VEVENT
UID:fjord-1@talent-scheduler.example
DTSTAMP:20240612T090000Z
DTSTART;TZID=Europe/Oslo:20240703T100000
DTEND;TZID=Europe/Oslo:20240703T110000
SUMMARY:Fjord Energy – first interview
ORGANIZER;CN=Ingrid Svensson:mailto:ingrid.svensson@fjord-energy.example
END:VEVENT
BEGIN:VEVENT
UID:fjord-2@talent-scheduler.example
DTSTAMP:20240612T090000Z
SUMMARY:Fjord Energy – take-home review (time to be agreed)
ORGANIZER;CN=Ingrid Svensson:mailto:ingrid.svensson@fjord-energy.example
END:VEVENT
BEGIN:VEVENT
UID:fjord-3@talent-scheduler.example
DTSTAMP:20240612T090000Z
DTSTART;TZID=Europe/Oslo:20240732T100000
SUMMARY:Fjord Energy – team lunch
ORGANIZER;CN=Ingrid Svensson:mailto:ingrid.svensson@fjord-energy.example
END:VEVENT
BEGIN:VEVENT
UID:fjord-4@talent-scheduler.example
DTSTAMP:20240612T090000Z
DTSTART;TZID=Mars/Olympus_Mons:20240710T100000
SUMMARY:Fjord Energy – meet the CTO
ORGANIZER;CN=Ingrid Svensson:mailto:ingrid.svensson@fjord-energy.example
END:VEVENT
BEGIN:VEVENT
UID:fjord-5@talent-scheduler.example
DTSTAMP:20240612T090000Z
DTSTART;TZID=Europe/Oslo:20240711T140000
DURATION:PT45M
SUMMARY:Fjord Energy – final interview
ORGANIZER;CN=Ingrid Svensson:mailto:ingrid.svensson@fjord-energy.example
ATTENDEE;CN=Henrik Moe:mailto:henrik.moe@fjord-energy.example
END:VEVENT
END:VCALENDAR
""")

write("dst_new_york.ics", """
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Talent Scheduler//Interview Invite 3.2//EN
METHOD:PUBLISH
BEGIN:VEVENT
UID:dst-gap@talent-scheduler.example
DTSTAMP:20240301T090000Z
DTSTART;TZID=America/New_York:20240310T023000
DTEND;TZID=America/New_York:20240310T033000
SUMMARY:Night shift interview (spring forward)
END:VEVENT
BEGIN:VEVENT
UID:dst-fold@talent-scheduler.example
DTSTAMP:20241020T090000Z
DTSTART;TZID=America/New_York:20241103T013000
DTEND;TZID=America/New_York:20241103T020000
SUMMARY:Night shift interview (fall back)
END:VEVENT
END:VCALENDAR
""")
