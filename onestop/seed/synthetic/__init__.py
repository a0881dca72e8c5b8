"""Synthetic province data at scale: `onestop seed --dossiers N` (benchmarks, capacity tests)."""
