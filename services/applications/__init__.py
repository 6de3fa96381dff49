"""Applications and interviews: the list, the editor's data, prospects, advice, offers, the
dashboard.

- The list: ``index.ApplicationIndex`` (filter and sort in Python) over ``list_rows`` and
  ``list_reading`` (plain SQL, before the first paint); ``folding.fold`` for searching.
- The editor: ``editor_data`` (what it edits), ``validation.validate`` (every problem as a
  sentence, with ``field_problems``), ``saving.save``, ``loading.load``,
  ``deletion.delete``/``undo_delete``, ``form_drafts`` (unsaved forms kept on disk).
- How an interview ended: ``prospects.assess`` and ``prospects.expected_response``.
- ``advice`` (a word before a step the user may regret), ``offers`` (record, accept,
  decline), ``dashboard.compute`` with ``overdue`` (the waiting and overdue lists).
"""
