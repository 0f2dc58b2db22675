"""Benchmarks of the membership engine: ratios against hand-written SQL.

Run ``python -m benchmarks run --help`` from the repository root.
"""
