"""Calibration data and regime definitions (TOML), each number with its source."""
