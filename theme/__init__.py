"""The default theme of Appel à communs, shipped with the plugin (``THEME`` points here).

A site overrides any of its templates by putting a file of the same name in its own
``theme/templates/`` folder (``THEME_TEMPLATES_OVERRIDES``).
"""
