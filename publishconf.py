"""Pelican settings for publication: absolute URLs under the site's address."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

# Set SITEURL to the address the site is served from (e.g. GitHub Pages).
SITEURL = os.environ.get("SITEURL", "")
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True
