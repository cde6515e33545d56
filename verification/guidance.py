"""Live guidance for the interactive liveness challenge: has the current action been seen yet, and
if not, what should the person do? Pure functions, no Django.

The page streams frames while the person moves; after each batch the server computes the frame
signals (``liveness.frame_signals``) and asks ``action_progress``. The next action is chosen (at random,
by the service) only once the current one has been seen, so a prerecorded video cannot know it. The
final decision (``liveness.decide``) re-checks everything from the stored frames, including that each
action began only after it was prompted (``liveness.check_prompted``).

Hints are stable codes; the page shows their plain words (``HINTS`` in verification/views.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .liveness import FrameSignals, LivenessConfig, detect_actions

#: hint codes, in the order ``action_progress`` considers them
HINT_CODES = (
    "no_face",  # no face in the latest frames
    "hold_still",  # the neutral pose is not measured yet
    "start",  # do the action (nothing of it seen yet)
    "further",  # moving the right way, not far enough yet
    "seen",  # done
)


@dataclass(frozen=True)
class Progress:
    seen: bool
    hint: str
    #: how far the current movement has got, 0-1 of the threshold (for a progress bar; 0 for a blink)
    fraction: float = 0.0


def baseline_ready(signals: Sequence[FrameSignals | None], config: LivenessConfig) -> bool:
    """True once the neutral pose can be measured (the first action may then be issued)."""
    return sum(s is not None for s in signals) >= config.baseline_frames


def _amount(action: str, latest: FrameSignals, base: Sequence[FrameSignals], config: LivenessConfig):
    yaw0 = float(np.median([s.yaw for s in base]))
    pitch0 = float(np.median([s.pitch for s in base]))
    if action == "turn_left":
        return (latest.yaw - yaw0) / config.turn_on_deg
    if action == "turn_right":
        return (yaw0 - latest.yaw) / config.turn_on_deg
    if action == "nod":
        return (latest.pitch - pitch0) / config.nod_on_deg
    return 0.0  # a blink is seen or not; there is no "further"


def action_progress(
    signals: Sequence[FrameSignals | None],
    action: str,
    issued_frame: int,
    config: LivenessConfig = LivenessConfig(),
    recent: int = 3,
) -> Progress:
    """Whether ``action`` began at or after frame ``issued_frame``, and a hint from the latest frames."""
    if not baseline_ready(signals, config):
        return Progress(False, "hold_still")
    if any(name == action and start >= issued_frame for name, start, _ in detect_actions(signals, config)):
        return Progress(True, "seen", 1.0)
    latest = [s for s in signals[-recent:] if s is not None]
    if not latest:
        return Progress(False, "no_face")
    base = [s for s in signals if s is not None][: config.baseline_frames]
    amount = max(_amount(action, s, base, config) for s in latest)
    fraction = float(np.clip(amount, 0.0, 1.0))
    return Progress(False, "further" if amount >= 0.35 else "start", fraction)


def prompt_schedule(
    signals: Sequence[FrameSignals | None],
    choose_next,
    count: int,
    *,
    batch: int,
    config: LivenessConfig = LivenessConfig(),
) -> tuple[list[str], list[int]] | None:
    """Replay the guided protocol over recorded signals, as the server runs it on a live stream: after
    every ``batch`` frames, issue the first action once the baseline is ready, then the next one (from
    ``choose_next(actions so far)``) once the current one has been seen. Returns the actions issued and
    the frame at which each was prompted, or None when the recording ends before all ``count`` are seen
    (a live session would time out). The bench uses it; the service does the same step by step.
    """
    actions: list[str] = []
    prompts: list[int] = []
    for end in range(batch, len(signals) + batch, batch):
        seen_so_far = signals[:end]
        if not actions:
            if baseline_ready(seen_so_far, config):
                actions.append(choose_next(actions))
                prompts.append(min(end, len(signals)))
            continue
        if action_progress(seen_so_far, actions[-1], prompts[-1], config).seen:
            if len(actions) == count:
                return actions, prompts
            actions.append(choose_next(actions))
            prompts.append(min(end, len(signals)))
    return None
