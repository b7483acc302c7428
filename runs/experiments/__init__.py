"""The shipped experiment files (TOML) behind `python -m runs paper`."""
