"""Reading replies: what an incoming message is, which application it is about, what it means.

- ``inbound.parse_message``: raw bytes to an ``InboundMessage`` (never raises); with
  ``html_text`` and ``quoting`` (the sender's own words only).
- ``matching.match``: the application(s) a message is about, strongest reason first, over
  plain facts (``KnownApplication``); ``tables`` (applicant-tracking senders, free mail,
  job boards) and ``bulk`` (mail to many is never a reply).
- ``classify.classify``: rejection, invitation, offer, a request, a receipt or other, with
  its reasons and the stage it suggests; ``phrases`` (one file per language in
  ``resources/mail_phrases``) and ``deadline`` (the date an answer is wanted by).
- ``keeping.take_messages``: parse, match, classify and store a batch in one transaction
  (a ``taken.Taken`` per message); ``keeping.known_applications`` and
  ``keeping.known_message_ids`` for the watcher; ``mail_files`` reads ``.eml``/``.mbox``.
- ``actions``: what the UI shows (``MessageView``: ``messages_for``, ``inbox``,
  ``pending_notifications``) and does (``mark_read``, ``dismiss``, ``not_about_this``,
  ``choose_application``, ``apply_stage``, ``mark_acted``, ``mark_notified``).
"""
