"""``python -m benchmarks`` (make bench): run every benchmark."""

import sys

from benchmarks import bench_import

sys.exit(bench_import.main())
