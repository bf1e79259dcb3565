"""Side-by-side benchmarks of `sla` against peer libraries (``python -m benchmarks``)."""
