"""The user's mailbox over IMAP: the account, the connection, watching for replies, Sent copies.

- ``imap_account``: the IMAP settings (``imap.*``) beside the SMTP ones, validated like
  them; the password in the system keyring only (or the SMTP account's, when the user
  says they are the same).
- ``providers``: the common providers' IMAP and SMTP settings by address domain
  (``resources/mail_providers.json``), with the app-password notes.
- ``connection``: ``open_imap`` (TLS or STARTTLS, certificates always verified, plain
  only to this computer), ``test_imap_connection`` for the settings page, ``ImapProblem``
  (every failure as a sentence), ``find_sent_folder`` (SPECIAL-USE, then the usual names).
- The watcher's side: ``fetching``, ``mail_pass`` (one pass: read, match, store),
  ``watcher`` (off the UI thread, IDLE or polling), ``sent_copy`` (APPEND to Sent) and
  ``commands`` (``main.py mail ...``).
"""
