"""Start-up and memory benchmarks for Next Steps (run with ``make bench``)."""
