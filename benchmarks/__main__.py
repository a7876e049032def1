"""``python -m benchmarks`` (make bench): every benchmark on a generated city of 100,000 people."""

import sys

from benchmarks import bench_import, bench_tui

print("== Import ==", flush=True)
status = bench_import.main([])
print("\n== Oberfläche ==", flush=True)
status |= bench_tui.main([])
sys.exit(status)
