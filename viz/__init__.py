"""The interactive app's parts: controls generated from `Params`, charts, views."""
