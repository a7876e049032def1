"""``python -m benchmarks`` (make bench): every benchmark on a generated city of 100,000 people,
each figure printed beside its target with OK or MISSED."""

import sys

from benchmarks import (
    bench_documents,
    bench_export,
    bench_import,
    bench_invitations,
    bench_meetings,
    bench_startup,
    bench_surveys,
    bench_tui,
)

print("== Import ==", flush=True)
status = bench_import.main([])
print("\n== Start ==", flush=True)
status |= bench_startup.main([])
print("\n== Export ==", flush=True)
status |= bench_export.main([])
print("\n== Oberfläche ==", flush=True)
status |= bench_tui.main([])
print("\n== Termine ==", flush=True)
status |= bench_meetings.main([])
status |= bench_invitations.main([])
print("\n== Dokumente ==", flush=True)
status |= bench_documents.main([])
print("\n== Umfragen ==", flush=True)
status |= bench_surveys.main([])
print(
    "\n"
    + ("every figure within its target" if status == 0 else "*** MISSED: see the lines above ***")
)
sys.exit(status)
