"""The scorer's metrics: one module per task, all on the sufficient-statistics design of `base`."""
from __future__ import annotations

from ..validation import CLIP, clip  # noqa: F401 - where the task modules find them

TASKS = ("entities", "quotes", "events", "frames", "coref")


def make_task(name: str, entity_options=None, event_options=None, coref_options=None):
    """A fresh collector for one task."""
    if name == "entities":
        from .entities import EntityTask
        return EntityTask(entity_options)
    if name == "quotes":
        from .quotes import QuoteTask
        return QuoteTask()
    if name == "events":
        from .events import EventTask
        return EventTask(event_options)
    if name == "frames":
        from .frames import FrameTask
        return FrameTask()
    if name == "coref":
        from .coref import CorefTask
        return CorefTask(coref_options)
    raise ValueError(f"unknown task {name!r} (choose from {', '.join(TASKS)})")
