"""Pelican's side of the site's settings: the one model of them is the core's
(``appel_a_communs.content.settings.SiteSettings``, which ``appel-a-communs check`` and
``submissions`` read too); this module builds it from Pelican's settings, and says which
content folders Pelican's own generators must leave to the core.
"""

from __future__ import annotations

from typing import Any

from appel_a_communs.content.kinds import KINDS
from appel_a_communs.content.settings import SiteSettings, site_settings

CatalogueSettings = SiteSettings
"""The model of the plugin's settings (the core's; the name the generator knows)."""


def read_settings(settings: dict[str, Any]) -> SiteSettings:
    """The checked settings of the site Pelican builds, or SiteSettingsError (content
    errors) naming each wrong setting, worded as the commands word it."""
    return site_settings(settings)


CATALOGUE_FOLDERS = tuple(KINDS)
"""Content folders read by the core, never by Pelican's article or page generators."""
