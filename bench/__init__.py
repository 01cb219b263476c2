"""Benchmarks (`make bench`): each compares Headway with a baseline measured in the same run."""
