"""The applications' screens: the list, the editor, offers, advice and the dashboard.

- The list: ``list_view.ApplicationsView`` with ``table_model``, ``list_keys``, ``sort_menu``.
- The editor: ``editor.ApplicationEditor`` with its tabs (``editor_application_tab``,
  ``editor_rounds_tab``, ``editor_messages_tab``), ``round_editor`` (``round_signals``,
  ``round_meaning``), and ``editor_advice``, ``editor_offer``, ``editor_problems``,
  ``editor_questions``.
- ``offer_dialog`` with ``offer_form``; ``advice_message``.
- The dashboard: ``dashboard_view`` with ``charts``, ``dashboard_cards``,
  ``dashboard_list_model``, ``dashboard_rows``.
"""
