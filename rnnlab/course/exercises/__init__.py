"""Checkers for the notebooks' exercises: each accepts a correct answer and explains a wrong one.

One module per notebook (``rnnlab.exercises.nb02`` …). A checker returns a
:class:`Feedback` that prints as a short message; ``feedback.ok`` says whether
the answer is right.
"""

from .feedback import Feedback

__all__ = ["Feedback"]
