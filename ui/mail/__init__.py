"""Mail screens: the composer, the email account page and the template editor.

- ``composer.ComposerView`` with ``composer_drafts`` (load, save, flush), ``composer_send``
  (confirm, progress, send), ``composer_exports`` (mailto, copy, .eml, mark as sent),
  ``composer_dialogs`` and ``similarity_notice`` (the similarity guard on screen).
- ``account_page`` (Settings → Email account) with ``keyring_calls`` (every keyring call off
  the UI thread, one at a time) and ``mailbox_form`` / ``mailbox_fields`` (the incoming mail,
  IMAP); ``template_page`` (Settings → Templates).
- ``mailbox_watch`` (the window's mailbox watcher: start, restart, stop, what it found) with
  ``mail_notices`` (its desktop notifications).
- The replies on screen: ``inbox_view.InboxView`` (the Inbox section) and
  ``message_list.MessageList`` (also the editor's Messages tab) with ``message_rows``,
  ``message_detail`` and ``message_actions`` (what each suggested action does).
"""
