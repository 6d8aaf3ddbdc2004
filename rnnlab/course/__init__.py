"""Course furniture: widgets, diagrams, the glossary, exercises, and one module per lesson with
the functions behind that lesson's widgets and figures (``rnnlab.course.lesson04`` …)."""

from . import (
    diagrams,
    exercises,
    glossary,
    lesson00,
    lesson01,
    lesson02,
    lesson04,
    lesson05,
    lesson06,
    lesson07,
    lesson08,
    source,
    widgets,
)
