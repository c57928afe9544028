"""The live engine: messages in; speech to the sound outputs and a moving face to the video outputs.

Three threads share one clock (`ClockPlayer.position_s`, the audio heard so far):
- speech: takes messages in order, synthesizes them sentence by sentence (a long message
  starts speaking after its first sentence), makes each sentence's motion, queues its audio;
- audio: plays speech or silence without pause and places each sentence on the clock;
- render: draws the frame for the clock's time at the profile's fps; when it falls behind it
  drops frames (counted) rather than delay them, so the face never lags the voice.
"""

from __future__ import annotations

import ctypes
import itertools
import queue
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from aac.live.ahead import work_ahead
from aac.live.face import LiveFace, SpokenPart
from aac.live.frames import LiveFrames
from aac.live.overlays import OverlaySettings, OverlayState
from aac.live.pacing import FramePacer
from aac.live.player import ClockPlayer, Segment
from aac.live.video_outputs import Mp4Recorder, OutputStatus, VideoOutput
from aac.provenance.audio_mark import mark_audio
from aac.provenance.frame_mark import FrameMarker
from avatar.motion.controls import MotionControls
from avatar.motion.emotion import motion_energy
from avatar.motion.speech_motion import speech_motion
from speech.audio_out import AudioOutput, PacedOutput
from speech.prepare import SpeechPreparer
from speech.utterance import Utterance
from speech.voice import Voice


def _release_free_memory() -> None:
    """Give freed heap back to the system after each message.

    Each message allocates audio and motion arrays of new sizes on several threads; glibc keeps
    what they free in per-thread arenas, and over an hour-long call that reads as growth.
    """
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):
            pass  # not glibc


@dataclass(frozen=True)
class Message:
    """One thing to say, in order, with the emotion to show while saying it."""

    id: int
    text: str
    emotion: str
    intensity: float
    recording: Utterance | None = None  # a recorded sound to play instead of synthesizing `text`


@dataclass(frozen=True)
class EngineSettings:
    """How the engine renders: frame size and rate, overlays, the face's controls."""

    width: int = 1280
    height: int = 720
    fps: float = 30.0
    overlays: OverlaySettings = field(default_factory=OverlaySettings)
    controls: MotionControls = field(default_factory=MotionControls)


@dataclass(frozen=True)
class EngineStatus:
    """What the app shows about the engine."""

    frames_rendered: int
    frames_dropped: int
    queued_messages: int
    speaking: bool
    outputs: tuple[OutputStatus, ...]
    problems: tuple[str, ...]


@dataclass
class _Stats:
    rendered: int = 0
    dropped: int = 0
    redrawn: int = 0  # frames drawn anew; the others showed the previous frame again (nothing moved)
    longest_drop: int = 0  # the most frames dropped in a row: drops spread out, or a stutter
    first_audio_s: dict = field(default_factory=dict)  # message id -> clock time its speech is heard
    entered_s: dict = field(default_factory=dict)  # message id -> clock time it entered


class LiveEngine:
    """The avatar, live. `start()`, then `say(...)`, `compose(...)`, `stop_speaking()`, `skip()`; `close()`."""

    def __init__(
        self,
        make_renderer: Callable[[], object],
        voice: Voice,
        settings: EngineSettings,
        audio_outputs: list[AudioOutput] | None = None,
        video_outputs: list[VideoOutput] | None = None,
        prepare: bool = True,
    ) -> None:
        # OpenGL contexts belong to the thread that made them: the render thread makes its own.
        self._make_renderer = make_renderer
        self.voice = voice
        self.settings = settings
        self.video_outputs = list(video_outputs or [])
        outputs = list(audio_outputs or []) or [PacedOutput(voice.sample_rate_hz)]
        self.player = ClockPlayer(outputs, voice.sample_rate_hz)
        self.face = LiveFace(settings.controls, settings.fps)
        # composed speech is prepared with its prosody and mark worked out too (aac.live.ahead): not at Speak
        self.preparer = SpeechPreparer(voice, work_ahead=work_ahead) if prepare else None
        self._messages: queue.Queue[Message | None] = queue.Queue()
        self._ids = itertools.count(1)
        self._cancelled: set[int] = set()
        self._current_id = 0
        self._unfinished = 0  # messages said and not yet played out (or dropped)
        self._lock = threading.Lock()
        self._typing = False
        self._running = False
        self._threads: list[threading.Thread] = []
        self.stats = _Stats()
        self.problems: list[str] = []
        self.last_frame: np.ndarray | None = None
        self.last_params: np.ndarray | None = None
        self.last_frame_s = 0.0  # the clock time the last frame shows

    # -- control ------------------------------------------------------------------------
    def start(self) -> None:
        """Start speaking, playing and rendering (idle until a message comes)."""
        self._running = True
        self.player.start()
        for target, name in ((self._speech_loop, "speech"), (self._render_loop, "render")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def say(self, text: str, emotion: str | None = None, intensity: float | None = None,
            recording: Utterance | None = None) -> int:
        """Queue a message; returns its id. It is spoken after the ones before it. With `recording` (audio at
        the voice's rate, see `aac.live.recording`) that sound is played instead and the lips follow its audio."""
        controls = self.settings.controls
        message = Message(next(self._ids), text, emotion or controls.emotion,
                          controls.intensity if intensity is None else intensity, recording)
        MotionControls(emotion=message.emotion, intensity=message.intensity)  # checks both, with a clear error
        self.stats.entered_s[message.id] = self.player.position_s()
        self._typing = False
        with self._lock:
            self._unfinished += 1
        self._messages.put(message)
        return message.id

    def compose(self, text: str) -> None:
        """The user is composing `text`: show "typing..." and prepare its speech in the background."""
        self._typing = bool(text.strip())
        if self.preparer is not None and text.strip():
            self.preparer.compose(text)

    def keep_ready(self, texts: list[str]) -> None:
        """Keep the speech of `texts` (quick phrases) prepared in the background from now on."""
        if self.preparer is not None:
            self.preparer.keep_ready(texts)

    def stop_speaking(self) -> None:
        """Interrupt now: the message being spoken and every queued one are dropped."""
        closing = False
        with self._lock:
            while True:
                try:
                    message = self._messages.get_nowait()
                except queue.Empty:
                    break
                if message is None:
                    closing = True
                else:
                    self._cancelled.add(message.id)
                    self._unfinished -= 1  # taken from the queue: the speech thread will not see it
            self._cancelled.add(self._current_id)
        if closing:
            self._messages.put(None)
        self._cut(None)

    def skip(self) -> None:
        """Drop the message being spoken; the queued ones follow."""
        with self._lock:
            current = self._current_id
            self._cancelled.add(current)
        self._cut({current})

    def _cut(self, ids: set | None) -> None:
        # face and recording first: the next message, which the player may start the moment it is told, is
        # placed after this time and must keep its mouth, caption and recorded sound
        at_s = self.player.position_s()
        self.face.cut(at_s)
        for out in self.video_outputs:
            if isinstance(out, Mp4Recorder):
                out.cut_audio(at_s)  # the recording keeps only the words heard
        self.player.cut(ids)

    def close(self) -> None:
        """Stop every thread and close the outputs (a recording is finished and saved)."""
        self._running = False
        self._messages.put(None)
        for thread in self._threads:
            thread.join(timeout=5)
        self.player.stop()
        if self.preparer is not None:
            self.preparer.close()
        for out in self.video_outputs:
            try:
                out.close()
            except Exception as exc:
                self.problems.append(f"{out.name}: {exc}")

    def status(self) -> EngineStatus:
        """Frames, drops, queue and every output's state."""
        return EngineStatus(
            frames_rendered=self.stats.rendered,
            frames_dropped=self.stats.dropped,
            queued_messages=self._messages.qsize(),
            speaking=self.player.busy(),
            outputs=tuple(out.status() for out in self.video_outputs),
            # a voice that failed and was replaced by the fallback says so (speech.fallback)
            problems=tuple(self.problems + self.player.errors + list(getattr(self.voice, "problems", ()))),
        )

    def idle(self) -> bool:
        """Nothing queued and nothing playing."""
        with self._lock:
            return self._unfinished == 0 and not self.player.busy()

    # -- speech thread ------------------------------------------------------------------
    def _speech_loop(self) -> None:
        controls = self.settings.controls
        while self._running:
            message = self._messages.get()
            if message is None:
                return
            with self._lock:
                if message.id in self._cancelled:
                    self._unfinished -= 1
                    continue
                self._current_id = message.id
            head = controls.head_motion * motion_energy(message.emotion, message.intensity)
            if message.recording is not None:
                sentences = iter([message.recording])
            elif self.preparer is not None:
                sentences = self.preparer.take(message.text)
            else:
                sentences = self.voice.stream(message.text)
            spoken_s = 0.0
            try:
                for utterance in sentences:
                    if message.id in self._cancelled or not self._running:
                        break
                    # a banked recording brings its lips and prosody already worked out from its audio (meta
                    # "lipsync", "prosody", see aac.bank), a prepared sentence its prosody (aac.live.ahead)
                    motion = speech_motion(utterance, self.settings.fps, seed=controls.seed + message.id,
                                           head_amount=head, lipsync=utterance.meta.get("lipsync"),
                                           text_visemes=self._text_visemes(utterance),
                                           prosody=utterance.meta.get("prosody"))
                    part = SpokenPart(motion, utterance.text, utterance.words, message.emotion, message.intensity)
                    # The voice's AI mark, one pattern over the message's sentences (they play back to back).
                    # A banked clip or a prepared sentence comes marked from 0 s already (aac.live.ahead).
                    audio = utterance.meta.get("ai_marked_audio") if spoken_s == 0.0 else None
                    if audio is None:
                        audio = mark_audio(utterance.audio, utterance.sample_rate_hz, start_s=spoken_s)
                    spoken_s += utterance.duration_s
                    self.player.queue(message.id, audio, on_start=self._placer(message.id, part))
            except Exception as exc:  # a voice failing on one message must not end the session
                self.problems.append(f"could not speak message {message.id}: {exc}")
            # wait until it has played (or was cut), so stop/skip know what is current
            self.player.wait_until_played(lambda m=message.id: not self._running or m in self._cancelled)
            _release_free_memory()  # before the message counts as done: idle() then means memory handed back too
            with self._lock:
                self._current_id = 0
                self._unfinished -= 1

    def _text_visemes(self, utterance) -> list[str] | None:
        """What an utterance without phone timing says (a banked clip, a system voice), for the lips
        to follow: espeak-ng reads the text in the voice's language (about 10 ms a sentence)."""
        if utterance.has_timing or not utterance.text.strip():
            return None
        if "text_visemes" in utterance.meta:  # read ahead (a banked clip, when it was made ready: aac.bank)
            return utterance.meta["text_visemes"]
        from speech.text_visemes import text_visemes

        return text_visemes(utterance.text, getattr(getattr(self.voice, "info", None), "language", "") or "en-us")

    def _placer(self, message_id: int, part: SpokenPart):
        def place(segment: Segment) -> None:
            self.face.place(segment.start_s, part)
            self.stats.first_audio_s.setdefault(message_id, segment.start_s)
            for out in self.video_outputs:
                if isinstance(out, Mp4Recorder):
                    out.add_audio(segment.audio, at_s=segment.start_s)

        return place

    # -- render thread ------------------------------------------------------------------
    def _render_loop(self) -> None:
        import cv2

        # A frame's conversions (RGBA to RGB, the changed rectangles to I420) are small: OpenCV's pool
        # spread each over the machine's cores and woke its threads for it, about 5% more CPU a frame
        # in all (the meeting app needs the other core). Process-wide; the engine is what runs.
        cv2.setNumThreads(1)
        try:
            # every frame drawn carries the invisible AI mark, whatever output it goes to (issue 16)
            frames = LiveFrames(self._make_renderer(), self.settings.overlays, marker=FrameMarker())
        except Exception as exc:
            self.problems.append(f"the renderer could not start: {exc}")
            return
        try:
            self._render_frames(frames)
        finally:
            frames.release()

    def _render_frames(self, frames: LiveFrames) -> None:
        fps = self.settings.fps
        pacer = FramePacer(fps)  # frames start early by what drawing one takes, to reach the camera on time
        last_index = -1
        frame = None
        while self._running:
            t = self.player.position_s()
            index = int((t + pacer.ahead_s) * fps)
            if index <= last_index:
                time.sleep(max(0.0005, (last_index + 1) / fps - pacer.ahead_s - t))
                continue
            missed = index - last_index - 1
            if last_index >= 0 and missed > 0:
                self.stats.dropped += missed
                self.stats.longest_drop = max(self.stats.longest_drop, missed)
            t_frame = index / fps
            params = self.face.params(t_frame)
            state = OverlayState(caption=self.face.caption(t_frame), typing=self._typing, time_s=t_frame)
            if not frames.will_draw(params, state):  # the previous frame again: sent at its time, not early
                time.sleep(max(0.0, t_frame - self.player.position_s()))
            # the previous frame object again when nothing visible changed: outputs reuse their work on it
            frame, new = frames.frame(params, state)
            self.stats.redrawn += new
            # set first: outputs may look at them
            self.last_frame, self.last_params, self.last_frame_s = frame, params, t_frame
            for out in self.video_outputs:
                if isinstance(out, Mp4Recorder):
                    # a recording's frame k is the clock's frame k: fill frames not drawn (the start-up,
                    # drops) with this one, so the speech placed by clock time stays in sync
                    for _ in range(missed):
                        out.send(frame)
                out.send(frame)
            self.stats.rendered += 1
            last_index = index
            if new:
                pacer.drawn(self.player.position_s() - t)
