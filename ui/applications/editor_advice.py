"""When the application editor gives advice: before withdrawing or cancelling an interview,
on starting to wait for an answer, and after an application's first round is saved.

:class:`ui.applications.editor.ApplicationEditor` asks :func:`advice_before_saving` before
each save (the advice shows inside the editor; :func:`uncancel_rounds` takes its better
way) and calls :func:`show_first_round_advice` after one (the advice shows as a banner in
the main window). The rules themselves are in
:mod:`services.applications.advice`.
"""

from __future__ import annotations

from models import clock
from models.values import Stage
from services.applications import advice
from services.applications.editor_data import ApplicationData
from ui.applications.advice_message import AdviceMessage


def advice_before_saving(stored: ApplicationData, data: ApplicationData,
                         application_id: int | None) -> advice.Advice | None:
    """The advice for saving ``data`` over ``stored``, if any (withdrawing, cancelling an
    interview, only one application left waiting)."""
    withdrawing = data.stage == Stage.WITHDRAWN.value and stored.stage != data.stage
    if withdrawing and application_id is not None:
        return advice.before_withdrawing(advice.facts_for_withdraw(application_id))
    was_cancelled = {r.id for r in stored.rounds if r.cancelled}
    for rnd in data.rounds:
        if rnd.cancelled and rnd.id is not None and rnd.id not in was_cancelled:
            return advice.before_withdrawing(advice.facts_for_withdraw(application_id, rnd.id))
    if (data.stage == Stage.AWAITING_RESPONSE.value and stored.stage != data.stage):
        return advice.on_awaiting_response(advice.facts_for_stage_change(
            application_id, data.stage, clock.now()))
    return None


def uncancel_rounds(stored: ApplicationData, data: ApplicationData) -> None:
    """Take back the cancellations in ``data`` that ``stored`` does not have (the better way
    of "keep the application open")."""
    cancelled = {r.id for r in stored.rounds if r.cancelled}
    for rnd in data.rounds:
        if rnd.id is not None and rnd.id not in cancelled:
            rnd.cancelled = False


def show_first_round_advice(window, application_id: int) -> None:
    """The advice after an application's first round was saved, as a banner in ``window``
    (the main window); its better way opens the application's interviews."""
    note = advice.after_first_round_saved(advice.facts_for_round_saved(application_id))
    if note is None or not hasattr(window, "add_banner"):
        return
    banner = AdviceMessage(window)

    def better(_action: str) -> None:
        window.open_editor(application_id)
        window.editor.tabs.setCurrentIndex(1)

    banner.better.connect(better)
    window.add_banner(banner)
    banner.show_advice(note)
