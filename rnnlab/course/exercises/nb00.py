"""Checkers for lesson 00's exercises."""

from __future__ import annotations

import math

from ...i18n import tr
from .. import glossary, lesson00
from .feedback import Feedback, as_number, correct, describe, never_crashes, wrong


@never_crashes
def check_translation(chinese: str, english: str) -> Feedback:
    """Is ``english`` the course's translation of the glossary term ``chinese``?"""
    if not isinstance(chinese, str) or not isinstance(english, str):
        return wrong(tr("nb00.translation_strings", chinese=describe(chinese), english=describe(english)))
    chinese = chinese.strip()
    matches = [t for t in glossary.TERMS if t.chinese == chinese]
    if not matches:
        return wrong(tr("nb00.not_a_term", chinese=chinese))
    given = english.strip().lower()
    for term in matches:
        core = term.english.lower().split(" (")[0]
        if given and (given == term.english.lower() or given == core):
            return correct(tr("nb00.translation_correct", chinese=chinese, english=term.english,
                              meaning=glossary.meaning(term), lesson=term.lesson))
    return wrong(tr("nb00.translation_wrong", english=english, lesson=matches[0].lesson, chinese=chinese,
                    meaning=glossary.meaning(matches[0])))


@never_crashes
def check_vanishing_weight(w: float) -> Feedback:
    """Is ``w`` a weight with 0 < |w| < 1 for which h_30 has forgotten h_0 (|∂h_30/∂h_0| < 1e-3)?"""
    value = as_number(w)
    if value is None or not math.isfinite(value):
        return wrong(tr("nb00.give_w", answer=describe(w)))
    w = value
    if w == 0:
        return wrong(tr("nb00.w_zero"))
    s = lesson00.sensitivity(w, steps=30)[-1]
    if abs(w) >= 1:
        return wrong(tr("nb00.w_too_big", abs_w=abs(w), s=s))
    if s < 1e-3:
        return correct(tr("nb00.w_correct", w=w, s=s, abs_w=abs(w)))
    return wrong(tr("nb00.w_not_small", s=s))
