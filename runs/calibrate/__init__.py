"""Calibration against the record by ABC-SMC: the file (`spec`), the run (`smc`), the report."""
