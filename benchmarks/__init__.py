"""City-scale benchmarks: a deterministic data generator and timed runs of the core."""
