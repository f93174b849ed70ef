# Drives python3-caldav (Debian) against the server: discovery from the bare URL, MKCALENDAR,
# events, todos and journals, time-range search on a recurring event, update/delete, sync tokens,
# free-busy. Prints one JSON object with what it saw; the bun test asserts on it.
# Usage: python-caldav-run.py <base-url> <user> <password> <other-user> <other-password>
import datetime
import json
import sys

import caldav
import requests

base, user, password, other_user, other_password = sys.argv[1:6]
out = {}

client = caldav.DAVClient(url=base + "/", username=user, password=password)
principal = client.principal()
out["principal"] = str(principal.url)
out["calendars"] = sorted(str(c.name) for c in principal.calendars())

work = principal.make_calendar(name="Work", cal_id="work")
out["work_url"] = str(work.url)
out["work_listed"] = "Work" in [c.name for c in principal.calendars()]

EVENT = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//python-caldav test//EN
BEGIN:VEVENT
UID:py-standup
DTSTAMP:20250101T000000Z
DTSTART:20250303T090000Z
DTEND:20250303T091500Z
RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT=10
SUMMARY:Standup
END:VEVENT
END:VCALENDAR
"""
SINGLE = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//python-caldav test//EN
BEGIN:VEVENT
UID:py-review
DTSTAMP:20250101T000000Z
DTSTART:20250320T140000Z
DTEND:20250320T150000Z
SUMMARY:Review
END:VEVENT
END:VCALENDAR
"""
TODO = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//python-caldav test//EN
BEGIN:VTODO
UID:py-todo
DTSTAMP:20250101T000000Z
DUE:20250310T170000Z
SUMMARY:File report
END:VTODO
END:VCALENDAR
"""
JOURNAL = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//python-caldav test//EN
BEGIN:VJOURNAL
UID:py-journal
DTSTAMP:20250101T000000Z
DTSTART;VALUE=DATE:20250304
SUMMARY:Notes
DESCRIPTION:Went well
END:VJOURNAL
END:VCALENDAR
"""

standup = work.save_event(EVENT)
work.save_event(SINGLE)
work.save_todo(TODO)
work.save_journal(JOURNAL)
out["events"] = sorted(str(e.icalendar_component["uid"]) for e in work.events())
out["todos"] = [str(t.icalendar_component["uid"]) for t in work.todos()]
out["journals"] = [str(j.icalendar_component["uid"]) for j in work.journals()]

def uids(start, end):
    found = work.date_search(start=start, end=end, compfilter="VEVENT", expand=False)
    return sorted(str(e.icalendar_component["uid"]) for e in found)

utc = datetime.timezone.utc
# 2025-03-08/09 is a weekend: the weekday standup does not occur.
out["weekend"] = uids(datetime.datetime(2025, 3, 8, tzinfo=utc), datetime.datetime(2025, 3, 10, tzinfo=utc))
out["monday"] = uids(datetime.datetime(2025, 3, 10, 8, tzinfo=utc), datetime.datetime(2025, 3, 10, 10, tzinfo=utc))
# COUNT=10 weekdays from 2025-03-03 ends on 2025-03-14; 2025-03-20 has only the review.
out["later"] = uids(datetime.datetime(2025, 3, 17, tzinfo=utc), datetime.datetime(2025, 3, 21, tzinfo=utc))

found = work.event_by_uid("py-review")
found.vobject_instance.vevent.summary.value = "Review (moved)"
found.save()
out["after_update"] = str(work.event_by_uid("py-review").vobject_instance.vevent.summary.value)

collection = work.objects_by_sync_token(load_objects=False)
token = collection.sync_token
out["initial_sync_count"] = len(list(collection))

# Another client (raw HTTP) changes the calendar.
session = requests.Session()
session.auth = (user, password)
r = session.put(str(work.url) + "extra.ics", data=SINGLE.replace("py-review", "py-extra"), headers={"content-type": "text/calendar"})
out["other_put"] = r.status_code
standup.delete()

changes = work.objects_by_sync_token(sync_token=token, load_objects=False)
out["changed"] = sorted(str(o.url).rsplit("/", 1)[-1] for o in changes)
out["token_changed"] = changes.sync_token != token

fb = work.freebusy_request(datetime.datetime(2025, 3, 20, tzinfo=utc), datetime.datetime(2025, 3, 21, tzinfo=utc))
out["freebusy"] = [
    [line.params.get("FBTYPE", ["BUSY"])[0], period[0].isoformat(), period[1].isoformat()]
    for line in fb.vobject_instance.vfreebusy.contents.get("freebusy", [])
    for period in line.value
]

# The other account cannot see this calendar.
intruder = caldav.DAVClient(url=str(work.url), username=other_user, password=other_password)
try:
    caldav.Calendar(client=intruder, url=str(work.url)).events()
    out["intruder"] = "allowed"
except Exception as e:
    out["intruder"] = type(e).__name__

print(json.dumps(out))
