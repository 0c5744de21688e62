"""The live board of a roadshow round (semi-final, final): what the organiser shows on the
venue screen."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from contest.models._fields import _created, _json


class BoardState(SQLModel, table=True):
    """One per round: the entry on stage, what is revealed, the entries presented so far."""

    __tablename__ = "board_state"
    id: Optional[int] = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", unique=True, index=True)
    on_stage_entry_id: Optional[int] = Field(default=None, foreign_key="entry.id")
    reveal_totals: bool = False  # each judge's total (J1...Jn) and the formula's result, live
    show_running_order: bool = False  # the entries presented before, with their round scores
    presented: list = _json(list)  # entry ids in the order they went on stage
    updated_at: datetime = _created()
    updated_by: Optional[int] = Field(default=None, foreign_key="user.id")
