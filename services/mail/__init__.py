"""Mail: templates, drafts, the similarity guard, the SMTP account and sending; reading
replies in ``inbox/``; the mailbox over IMAP (account, watcher, Sent copies) in ``imap/``.

- Templates: ``templates`` (stored and built-in), ``placeholders`` (the values of one
  message), ``template_rendering.render`` in ``template_sandbox``.
- Drafts: ``drafting.prepare_drafts`` (one per interviewer), ``drafts`` (read and edit),
  ``agency.agency_guard`` (agency applications go through the recruiter), ``thanked``
  (who has been thanked), ``similarity.compare`` (the similarity guard),
  ``mail_program`` (mailto and .eml without an account).
- Sending: ``account`` (settings, password in the keyring through ``secrets``), ``smtp`` and
  ``smtp_auth`` (connect and log in; ``smtp_problems`` says what failed), ``headers`` and
  ``message`` (build and prove the message), ``send_checks`` (before confirming),
  ``sender`` (the outbox: queue, ``send_one``, never twice) with ``delivery`` (one attempt).
"""
