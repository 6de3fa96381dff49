"""Tests of the applications feature: the list, the editor, prospects, advice, offers and
the dashboard."""
