"""The page a host serves for an address that does not exist (``404.html``, at the site's
root, as GitHub Pages and most static hosts look for it): a message in the site's
language and the way back to the home page, the commons and the challenges.

The host serves it at whatever address was asked for, at any depth: its links and its
stylesheet start from ``SITEURL``, never from the page's own place (``relative_urls``),
and search engines are asked not to index it (nor the sitemap to list it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from appel_a_communs.site.pages import PageContext

NOT_FOUND = "404.html"
"""Its file, at the site's root: the name static hosts look for."""


@dataclass(frozen=True)
class NotFoundPage(PageContext):
    """Nothing of the call: every word is the interface's, every link a global address."""

    indexed: ClassVar[bool] = False
    relative_urls: ClassVar[bool] = False
