"""Mail screens: the composer, the email account page and the template editor.

- ``composer.ComposerView`` with ``composer_drafts`` (load, save, flush), ``composer_send``
  (confirm, progress, send), ``composer_exports`` (mailto, copy, .eml, mark as sent),
  ``composer_dialogs`` and ``similarity_notice`` (the similarity guard on screen).
- ``account_page`` (Settings → Email account) with ``keyring_calls`` (every keyring call off
  the UI thread, one at a time); ``template_page`` (Settings → Templates).
"""
