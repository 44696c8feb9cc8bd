"""Experiments: files that name a design over a scenario (load, design), and sweeps that run it."""
