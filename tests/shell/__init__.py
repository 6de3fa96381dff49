"""Tests of the shell: start-up, the window, background tasks, errors, accessibility, packaging."""
