"""Checkers for lesson 00's exercises."""

from __future__ import annotations

import math

from .. import glossary, lesson00
from .feedback import Feedback, as_number, correct, describe, never_crashes, wrong


@never_crashes
def check_translation(chinese: str, english: str) -> Feedback:
    """Is ``english`` the course's translation of the glossary term ``chinese``?"""
    if not isinstance(chinese, str) or not isinstance(english, str):
        return wrong("give the Chinese term and your English translation as two strings, e.g. "
                     f"check_translation('循环神经网络', '...'); got {describe(chinese)} and "
                     f"{describe(english)}")
    chinese = chinese.strip()
    matches = [t for t in glossary.TERMS if t.chinese == chinese]
    if not matches:
        return wrong(f"{chinese!r} is not a glossary term; try rnnlab.glossary.lookup('') to list them.")
    given = english.strip().lower()
    for term in matches:
        core = term.english.lower().split(" (")[0]
        if given and (given == term.english.lower() or given == core):
            return correct(f"{chinese} = {term.english}: {term.meaning} (lesson {term.lesson}).")
    return wrong(f"{english!r} is not it. Hint: lesson {matches[0].lesson} teaches {chinese}; "
                 f"it means “{matches[0].meaning}”.")


@never_crashes
def check_vanishing_weight(w: float) -> Feedback:
    """Is ``w`` a weight with 0 < |w| < 1 for which h_30 has forgotten h_0 (|∂h_30/∂h_0| < 1e-3)?"""
    value = as_number(w)
    if value is None or not math.isfinite(value):
        return wrong(f"give one finite number w, e.g. 0.5; got {describe(w)}")
    w = value
    if w == 0:
        return wrong("w = 0 forgets at once, trivially: find a non-zero w that forgets slowly.")
    s = lesson00.sensitivity(w, steps=30)[-1]
    if abs(w) >= 1:
        return wrong(f"the exercise asks for 0 < |w| < 1. (With |w| = {abs(w):g} the state saturates "
                     f"near ±1, where tanh' ≈ 0, so |∂h_30/∂h_0| = {s:.1e}: saturation is a second "
                     "way to forget — lesson 07 comes back to it.)")
    if s < 1e-3:
        return correct(f"with w = {w:g}, |∂h_30/∂h_0| = {s:.1e}: each step multiplies the memory of "
                       f"h_0 by at most |w| = {abs(w):g}, and 30 such factors vanish.")
    return wrong(f"|∂h_30/∂h_0| = {s:.2g} is still ≥ 1e-3; a smaller |w| forgets faster.")
