"""``python -m benchmarks`` (make bench): every benchmark on a generated city of 100,000 people."""

import sys

from benchmarks import (
    bench_documents,
    bench_import,
    bench_invitations,
    bench_meetings,
    bench_surveys,
    bench_tui,
)

print("== Import ==", flush=True)
status = bench_import.main([])
print("\n== Oberfläche ==", flush=True)
status |= bench_tui.main([])
print("\n== Termine ==", flush=True)
status |= bench_meetings.main([])
status |= bench_invitations.main([])
print("\n== Dokumente ==", flush=True)
status |= bench_documents.main([])
print("\n== Umfragen ==", flush=True)
status |= bench_surveys.main([])
sys.exit(status)
