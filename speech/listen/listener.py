"""Listening, put together: capture -> own-voice gate -> phrases -> recognizer -> captions, on worker threads.

The capture thread only reads and gates (so the gate sees the aid's voice when the sound arrives, not
when it is recognized); the listening thread loads the model (seconds, off the caller's thread), then
recognizes each phrase as it ends. Problems (no source, no model) are handed to `on_problem` as
sentences for the person; captions to `on_caption`. Both are called on the listening thread.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from speech.listen.capture import Capture, resolve_source
from speech.listen.gate import OwnVoiceGate
from speech.listen.recognizer import MODEL_RATE_HZ, Caption, ListenError, Recognizer, open_recognizer

# Listening yields to the live avatar when both want the CPU: the call's video keeps its frames and a
# caption comes a little later. Threads made by the listening thread (capture, the model's) inherit it.
LISTEN_NICE = 5
RESYNC_AFTER_S = 3.0  # a sample clock this far behind arrivals means lost data, not a backlog


@dataclass(frozen=True)
class ListenSettings:
    """What to hear and with which recognizer (from the profile's `listening` section)."""

    source: str = "meeting"  # "meeting", "microphone", or a sound source's name
    engine: str = "whisper"  # "whisper" (English, shipped) or "vosk"
    language: str = "en"
    vosk_model: Path | None = None
    input_device: str | None = None  # which microphone, for source "microphone"


class Listener:
    """Captions of what the partner says, until `stop()`. `speaking()` tells when the aid's own voice plays."""

    def __init__(self, settings: ListenSettings, on_caption: Callable[[Caption], None],
                 on_problem: Callable[[str], None], speaking: Callable[[], bool] | None = None,
                 make_recognizer: Callable[[], Recognizer] | None = None) -> None:
        self.settings = settings
        self.on_caption, self.on_problem = on_caption, on_problem
        self.gate = OwnVoiceGate(speaking or (lambda: False))
        self._make_recognizer = make_recognizer or (lambda: open_recognizer(
            settings.engine, settings.language, settings.vosk_model))
        self._chunks: queue.Queue[np.ndarray | None] = queue.Queue()
        self._running = False
        self._thread: threading.Thread | None = None
        self.capture: Capture | None = None
        self.ready = threading.Event()  # set once listening (or failed to start)
        self.source: str | None = None
        self._recorded_to_s: float | None = None  # monotonic time the last captured sample was recorded

    def start(self) -> None:
        """Start listening in the background (the model loads there)."""
        self._running = True
        self.gate.watch()  # from the caller's thread: the watcher keeps its priority, not listening's lower one
        self._thread = threading.Thread(target=self._run, name="listen", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        _lower_priority()
        recognizer = None
        try:
            try:
                self.source = resolve_source(self.settings.source, self.settings.input_device)
                recognizer = self._make_recognizer()
            except ListenError as exc:
                self.on_problem(f"Captions are off: {exc}")
                return
            if not self._running:
                return
            self.capture = Capture(self.source, self._captured, self._failed)
            self.capture.start()
            self.ready.set()
            while self._running:
                chunk = self._chunks.get()
                if chunk is None:
                    break
                for caption in recognizer.feed(chunk, MODEL_RATE_HZ):
                    if self._running:
                        self.on_caption(caption)
        except Exception as exc:  # a recognizer failing must not take the app down: the person is told
            self.on_problem(f"Captions stopped: {exc}")
        finally:
            self.ready.set()
            if recognizer is not None:
                recognizer.close()

    def _captured(self, chunk: np.ndarray, arrived_s: float) -> None:
        length_s = len(chunk) / MODEL_RATE_HZ
        # A capture thread held up on a busy machine reads a backlog late, all "arriving" at once: counting
        # samples says when each was recorded. Resynchronised when it runs ahead of the clock, or far
        # behind it (the sound server dropped data).
        clock = self._recorded_to_s
        if clock is None or clock + length_s > arrived_s or arrived_s - (clock + length_s) > RESYNC_AFTER_S:
            clock = arrived_s - length_s
        self._recorded_to_s = clock + length_s
        self._chunks.put(self.gate.apply(chunk, MODEL_RATE_HZ, clock + length_s, clock))

    def _failed(self, message: str) -> None:
        self.on_problem(f"Captions stopped: {message}")
        self._chunks.put(None)

    def stop(self) -> None:
        """Stop listening; nothing heard is kept."""
        self._running = False
        self.gate.stop_watching()
        if self.capture is not None:
            self.capture.stop()
        self._chunks.put(None)
        if self._thread is not None:
            self._thread.join(timeout=5)


def _lower_priority() -> None:
    """This thread (and those it starts) at LISTEN_NICE: on Linux a thread's nice value is its own."""
    if not sys.platform.startswith("linux"):
        return
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + LISTEN_NICE)
    except OSError:
        pass  # not allowed here: listening runs at the app's priority
