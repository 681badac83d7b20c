"""Appel à communs: the core of a call for commons.

Plain Python with no Pelican import: the models, the strict YAML loader, the
content loader and the funding engine. The Pelican plugin in ``plugins/`` is a
thin adapter over this package.
"""

__version__ = "0.1.0"
"""The version of the tool, written here only: pyproject.toml reads it (its dynamic version),
and so do `appel-a-communs --version` and the pin of a new site."""
