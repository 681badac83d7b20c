"""Pelican plugin for Appel à communs: a thin adapter over the ``appel_a_communs`` core.

In a site's ``pelicanconf.py``::

    from pelican.plugins import appel_a_communs

    PLUGINS = ["pelican.plugins.appel_a_communs"]
    THEME = appel_a_communs.THEME
"""

from pathlib import Path

from . import theme
from .plugin import register

THEME = str(Path(theme.__file__).parent)
"""The theme installed with the tool."""

__all__ = ["THEME", "register"]
