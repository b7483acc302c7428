"""Data the app draws that the model does not make in the browser: the projection's bands."""
