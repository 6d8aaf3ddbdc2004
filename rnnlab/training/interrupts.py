"""Ctrl-C that damages nothing: the guard around :func:`~rnnlab.training.loop.train` and every evaluation.

A run changes three things of the caller's: autograd (evaluation switches it off), the
model's train/eval mode, and the history it fills. :class:`RunGuard` records the first
two on entry and puts them back however the block ends; the history it is given is
trimmed to its complete epochs and the ``KeyboardInterrupt`` becomes
:class:`TrainingInterrupted` carrying it.

Python raises ``KeyboardInterrupt`` between any two bytecodes, so the tidying-up itself
could be interrupted (students press Ctrl-C twice). While a guard holds, a Ctrl-C is
therefore *deferred*: the guard's SIGINT handler notes it and the guard raises it once
the caller's state is whole again. Outside those moments the handler passes the signal
to the one it replaced, so Ctrl-C stops a run at once. (Signals reach only the main
thread; in another thread the guard still restores, it just cannot defer.)
"""

from __future__ import annotations

import signal
import threading

import torch


class TrainingInterrupted(KeyboardInterrupt):
    """Lesson 04. Ctrl-C during :func:`train`; ``history`` holds the complete epochs (marked interrupted).

    It is a ``KeyboardInterrupt``, so a helper that trains several runs stops
    as a whole instead of carrying on with the next run.
    """

    def __init__(self, history):
        self.history = history
        super().__init__(f"training interrupted after {history.epochs} complete epoch(s); "
                         "exc.history holds them (the model keeps its trained weights)")


class _Shared:
    """The SIGINT handler's state (signals reach the main thread only; the handler itself, when
    installed, is the truth about whether a guard is active: ``signal.getsignal``)."""

    previous = None     # the handler ours replaced, called when nothing holds
    held = 0            # holds now in force (a guard tidying up): a Ctrl-C waits
    pending = False     # a Ctrl-C arrived while held


def _on_sigint(signum, frame):
    if _Shared.held:
        _Shared.pending = True
    else:
        _Shared.previous(signum, frame)


def _raise_if(interrupted: bool) -> bool:
    if interrupted:
        raise KeyboardInterrupt
    return False


def _guarding() -> bool:
    return signal.getsignal(signal.SIGINT) is _on_sigint


class RunGuard:
    """Lesson 04 (inside ``train``). ``with RunGuard(model, history):`` restores autograd and the
    model's mode on leaving, and turns a Ctrl-C into :class:`TrainingInterrupted` with ``history``
    (``history=None``: a plain ``KeyboardInterrupt``, for an evaluation).

    The guard starts holding (a Ctrl-C waits), so that its handler is in place before any
    Ctrl-C can cut the block short: call :meth:`let_go` as the block's first statement and
    :meth:`hold` as its last; from there to the end of the guard a Ctrl-C is deferred, so
    the restoring itself cannot be cut short.
    """

    def __init__(self, model, history=None):
        self.model, self.history = model, history
        self.grad_was, self.mode_was = torch.is_grad_enabled(), model.training
        self.holds, self.owner = 0, False
        self.main = threading.current_thread() is threading.main_thread()

    def __enter__(self):
        previous = signal.getsignal(signal.SIGINT) if self.main and not _guarding() else None
        if callable(previous):   # the outermost guard installs the handler, already holding
            _Shared.previous, _Shared.held, _Shared.pending, self.holds = previous, 1, False, 1
            self.owner = True
            signal.signal(signal.SIGINT, _on_sigint)
        else:
            self.hold()   # inside another guard: a Ctrl-C from here waits for let_go
        return self

    def let_go(self) -> None:
        """Let Ctrl-C through (the block's first statement); one that waited is raised now."""
        _Shared.held, self.holds = _Shared.held - self.holds, 0
        if _Shared.pending and not _Shared.held:
            _Shared.pending = False
            raise KeyboardInterrupt

    def hold(self) -> None:
        """Defer Ctrl-C until this guard has restored everything (a no-op outside the main thread)."""
        if self.main and _guarding():
            _Shared.held, self.holds = _Shared.held + 1, self.holds + 1

    def __exit__(self, exc_type, exc, tb):
        self.hold()   # an exception is in flight: a second Ctrl-C must not cut the restoring short
        torch.set_grad_enabled(self.grad_was)
        self.model.train(self.mode_was)
        interrupted = exc_type is not None and issubclass(exc_type, KeyboardInterrupt)
        history = self.history
        if history is not None and exc_type is not None:
            history.close_incomplete()
            if not interrupted:
                exc.history = history
                if history.epochs and hasattr(exc, "add_note") and not getattr(exc, "_noted", 0):
                    exc.add_note(f"rnnlab: the {history.epochs} complete epoch(s) before this "
                                 "error are in exc.history")
                    exc._noted = 1
        error = None
        if interrupted and history is not None and not isinstance(exc, TrainingInterrupted):
            error = TrainingInterrupted(history)
        try:   # a Ctrl-C that waited, or one from here on, ends in the except below
            if self.owner:
                signal.signal(signal.SIGINT, _Shared.previous)   # from here Ctrl-C raises at once
            _Shared.held, self.holds = _Shared.held - self.holds, 0
            pending = _Shared.pending and (self.owner or not _Shared.held)
            if pending:
                _Shared.pending = False
            # (a ``return`` inside ``try`` runs outside its handler: the raise happens in a call)
            return _raise_if(pending or error is not None)
        except KeyboardInterrupt:
            if history is None:
                raise
            if error is None:
                history.interrupted = True
                error = TrainingInterrupted(history)
            raise error from None
