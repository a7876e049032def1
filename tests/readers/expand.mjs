// Expand every event of an .ics file with ical.js (Mozilla's parser, as in Thunderbird).
// Usage: node expand.mjs FROM TO FILE.ics...   (FROM/TO: local dates YYYY-MM-DD, TO exclusive)
// Prints a JSON object {file: occurrences}; the occurrences in Europe/Berlin wall-clock time,
// sorted by start:
// [{"uid": ..., "start": "2026-09-08T18:00", "end": "...", "startUtc": UNIX SECONDS, "endUtc": ...,
//   "location": ..., "recurrenceId": ...}]
// The UTC instants come from the file's own VTIMEZONE, so a wrong VTIMEZONE shows up there.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const [from, to, ...paths] = process.argv.slice(2);

function expandFile(file) {
  const root = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));

  // The file's own VTIMEZONE is what ical.js must use: that is what is being tested.
  const zones = new Map();
  for (const vtimezone of root.getAllSubcomponents("vtimezone")) {
    const zone = new ICAL.Timezone(vtimezone);
    zones.set(zone.tzid, zone);
    ICAL.TimezoneService.register(vtimezone);
  }
  const berlin = zones.get("Europe/Berlin");
  if (!berlin) {
    throw new Error("no VTIMEZONE for Europe/Berlin in " + file);
  }

  const local = (time) => {
    const t = time.convertToZone(berlin);
    const pad = (n) => String(n).padStart(2, "0");
    return `${t.year}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}`;
  };
  const utc = (time) => time.toUnixTime();
  const bound = (text) => {
    const t = ICAL.Time.fromDateTimeString(`${text}T00:00:00`);
    t.zone = berlin;
    return t;
  };
  const windowStart = bound(from);
  const windowEnd = bound(to);

  const vevents = root.getAllSubcomponents("vevent");
  const masters = vevents.filter((c) => !c.hasProperty("recurrence-id"));
  const exceptions = vevents.filter((c) => c.hasProperty("recurrence-id"));

  const out = [];
  for (const master of masters) {
    if (master.getFirstPropertyValue("status") === "CANCELLED") continue;
    // Relate only this UID's exceptions: left to itself, ical.js relates every RECURRENCE-ID
    // component in the file to every series (Thunderbird groups items by UID before).
    const uid = master.getFirstPropertyValue("uid");
    const event = new ICAL.Event(master, {
      strictExceptions: true,
      exceptions: exceptions.filter((c) => c.getFirstPropertyValue("uid") === uid),
    });
    const iterator = event.iterator();
    let next;
    let guard = 0;
    while ((next = iterator.next()) && guard++ < 100000) {
      const details = event.getOccurrenceDetails(next);
      if (details.startDate.compare(windowEnd) >= 0 && next.compare(windowEnd) >= 0) break;
      if (details.endDate.compare(windowStart) <= 0) continue;
      if (details.startDate.compare(windowEnd) >= 0) continue;
      out.push({
        uid: event.uid,
        start: local(details.startDate),
        end: local(details.endDate),
        startUtc: utc(details.startDate),
        endUtc: utc(details.endDate),
        location: details.item.location || "",
        recurrenceId: local(details.recurrenceId),
      });
      if (!event.isRecurring()) break;
    }
  }
  out.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.uid < b.uid ? -1 : 1));
  return out;
}

const result = {};
for (const path of paths) {
  result[path] = expandFile(path);
}
process.stdout.write(JSON.stringify(result));
