"""The one command-line splitter of services.reminders.autostart reads back, unchanged, every
argument list the autostart writers put into a desktop entry's ``Exec`` value (the Desktop
Entry quoting) and into the Windows Run key (``subprocess.list2cmdline``)."""

from __future__ import annotations

import subprocess

from hypothesis import given
from hypothesis import strategies as st

from services.reminders import autostart

#: Arguments as a command may hold them: any text but NUL, which no command line carries.
ARGUMENTS = st.lists(st.text(st.characters(blacklist_characters="\x00"), max_size=12),
                     max_size=6)
#: The characters the two formats treat specially, so examples hit them often.
SPECIAL = st.lists(st.text(st.sampled_from(' \t"\\`$%ab'), max_size=10), max_size=6)


@given(st.one_of(ARGUMENTS, SPECIAL))
def test_desktop_exec_values_read_back(args):
    assert autostart._parse_desktop_exec(autostart._desktop_exec(args)) == args


@given(st.one_of(ARGUMENTS, SPECIAL))
def test_windows_command_lines_read_back(args):
    assert autostart._split_windows(subprocess.list2cmdline(args)) == args


def test_a_backslash_outside_quotes_is_kept():
    assert autostart._parse_desktop_exec("a\\\\b c") == ["a\\b", "c"]
    assert autostart._split_windows('a\\b "c d"\t\\\\"e"') == ["a\\b", "c d", "\\e"]
