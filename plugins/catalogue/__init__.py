"""Pelican plugin for Appel à communs: a thin adapter over the ``appel_a_communs`` core."""

from .catalogue import register

__all__ = ["register"]
