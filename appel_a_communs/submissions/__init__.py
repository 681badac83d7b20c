"""Submissions: from a form or an issue to an envelope, and from an envelope to content files.

SPEC, "Submissions": every submission becomes one envelope file in
``submissions/inbox/``; processing writes the content files it implies and moves
it to ``processed/``, or moves it to ``rejected/`` with a report. Nothing is lost,
nothing is half-written, and contact details never reach content.
"""
