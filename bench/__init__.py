"""Benchmarks, run by `make bench` (`python -m bench`). Never timed assertions: figures for the notes."""
