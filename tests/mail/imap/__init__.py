"""Tests of the mailbox over IMAP: the account, the connection (against a real Dovecot), the
providers' table, watching for replies and the Sent copies."""
