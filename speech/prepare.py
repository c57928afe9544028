"""Speech ready before Speak: the text being composed is synthesized in the background.

While the user composes, the app reports the text at each pause (a word completed, a
suggestion taken). A worker thread of lower priority synthesizes its sentences into a
cache keyed by voice, settings and sentence text. Pressing Speak then plays what is ready at
once and synthesizes only what is not. Sentences are the unit, so an edit at the end of a
long message keeps the earlier sentences prepared; a newer text supersedes an older one
between sentences.

Text said often without being composed (the quick phrases: "Yes", "Stop", "Thank you") can be
kept ready (`keep_ready`): prepared after what is being composed and never forgotten, so that it
starts at once instead of after its synthesis.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator

from speech.utterance import Utterance
from speech.voice import Voice

# Nice 5, not 19: the worker holds Python's interpreter lock between its synthesis calls, and at
# nice 19 on a busy machine it was preempted while holding it, so the audio and render threads
# stood still. Longest such stall seen by an in-process probe (bench live --busy-cores 1, two runs
# each): 91 and 306 ms at nice 19, 44 and 99 ms at nice 0, 38 and 35 ms at nice 5.
_BACKGROUND_NICE = 5
_WORKED_AHEAD = "prepared_ahead"  # Utterance.meta: the preparer's work_ahead has been done on it
# What the kept sentences may hold: a sentence keeps its audio and, worked ahead, its marked copy
# (about 0.35 MB a second of Piper speech in all). 64 sentences were about 28 MB, which a long
# session's memory grew by as the cache filled; 4 MB is the last ten sentences of an ordinary
# length, or many more short ones ("yes", "thank you"), which are the ones said again.
MAX_KEPT_BYTES = 4 * 1024 * 1024
MAX_READY_SENTENCES = 32  # kept ready on request, beside the bytes above (quick phrases are short)


def utterance_bytes(utterance: Utterance) -> int:
    """Memory an utterance holds in arrays: its audio and what was worked out ahead into its meta."""
    extra = sum(value.nbytes for value in utterance.meta.values() if hasattr(value, "nbytes"))
    return int(utterance.audio.nbytes) + int(extra)


def _lower_this_thread() -> None:
    # On Linux a thread is a task with its own nice value: the renderer keeps its priority.
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), _BACKGROUND_NICE)
    except (AttributeError, OSError):
        pass


class SpeechPreparer:
    """Background synthesis of composed text for one voice; `take` returns speech for Speak."""

    def __init__(self, voice: Voice, max_sentences: int = 64, max_bytes: int = MAX_KEPT_BYTES,
                 work_ahead: Callable[[Utterance], None] | None = None) -> None:
        self.voice = voice
        # what the player of the speech would otherwise work out at Speak (the live engine: the prosody the head
        # follows, the AI mark), done on this thread to each prepared sentence; it fills `Utterance.meta`
        self._work_ahead = work_ahead
        self._cache: OrderedDict[tuple, Utterance] = OrderedDict()
        self._max = max_sentences
        self._max_bytes = max_bytes
        self._lock = threading.Lock()
        self._wanted: list[str] = []
        self._ready_list: list[str] = []  # sentences kept ready whatever else is said (keep_ready)
        self._generation = 0
        self._wake = threading.Condition(self._lock)
        self._closed = False
        self._synth_lock = threading.Lock()
        self.stats = {"hits": 0, "misses": 0, "prepared": 0, "cancelled": 0}
        self._thread = threading.Thread(target=self._work, name="speech-prepare", daemon=True)
        self._thread.start()

    def _key(self, sentence: str) -> tuple:
        return (self.voice.info.id, self.voice.settings, sentence)

    def compose(self, text: str) -> None:
        """The text being composed changed (at a pause): prepare its sentences, superseding older text."""
        sentences = self.voice.sentences(text)
        with self._lock:
            self._wanted = sentences
            self._generation += 1
            self._wake.notify()

    def keep_ready(self, texts: list[str]) -> None:
        """Keep the speech of `texts` prepared from now on (replacing what was kept before), after what is composed."""
        sentences: list[str] = []
        for text in texts:
            sentences += [s for s in self.voice.sentences(text) if s not in sentences]
        with self._lock:
            self._ready_list = sentences[:MAX_READY_SENTENCES]
            self._trim()  # what is no longer kept ready may be forgotten
            self._wake.notify()

    @property
    def kept_ready(self) -> list[str]:
        """The sentences kept ready (`keep_ready`)."""
        with self._lock:
            return list(self._ready_list)

    def is_ready(self, text: str) -> bool:
        """Whether every sentence of `text` is prepared."""
        with self._lock:
            return all(self._key(s) in self._cache for s in self.voice.sentences(text))

    def _work(self) -> None:
        _lower_this_thread()
        while True:
            with self._lock:
                while not self._closed and not self._next_missing():
                    self._wake.wait()
                if self._closed:
                    return
                sentence, generation = self._next_missing(), self._generation
            with self._synth_lock:
                with self._lock:
                    if generation != self._generation and sentence not in self._wanted + self._ready_list:
                        self.stats["cancelled"] += 1
                        continue
                    utterance = self._cache.get(self._key(sentence))  # spoken before: only its work ahead is left
                if utterance is None:
                    utterance = self.voice.synthesize_sentence(sentence)
                    with self._lock:
                        self._store(sentence, utterance)
                        self.stats["prepared"] += 1
            if self._work_ahead is not None:
                # after the sentence is stored, outside the locks: Speak never waits for this (taken before it is
                # done, the sentence just has less in its meta, and the engine works the rest out itself)
                try:
                    self._work_ahead(utterance)
                except Exception:  # only time is lost
                    pass
                utterance.meta[_WORKED_AHEAD] = True
                with self._lock:
                    self._trim()  # its marked copy counts now

    def _ready(self, sentence: str) -> bool:
        """Prepared, with the work ahead done when there is any (a sentence spoken before was stored without)."""
        utterance = self._cache.get(self._key(sentence))
        return utterance is not None and (self._work_ahead is None or _WORKED_AHEAD in utterance.meta)

    def _next_missing(self) -> str | None:
        missing = next((s for s in self._wanted if not self._ready(s)), None)
        return missing or next((s for s in self._ready_list if not self._ready(s)), None)

    def _store(self, sentence: str, utterance: Utterance) -> None:
        self._cache[self._key(sentence)] = utterance
        self._cache.move_to_end(self._key(sentence))
        self._trim()

    def _trim(self) -> None:
        """Forget the sentences used longest ago beyond the count and the bytes kept.

        The sentences of the text being composed stay whatever they hold: forgetting them would
        have the worker prepare them again, and forget others of the same text, without end. Those
        kept ready stay too, and do not count.
        """
        ready = {self._key(s) for s in self._ready_list}
        # the sizes are read now: a sentence's work ahead adds its marked audio after it is stored
        total = sum(utterance_bytes(u) for k, u in self._cache.items() if k not in ready)
        wanted = {self._key(s) for s in self._wanted} | ready
        for key in [k for k in self._cache if k not in wanted]:  # oldest first
            if len(self._cache) <= self._max and total <= self._max_bytes:
                break
            total -= utterance_bytes(self._cache.pop(key))

    def kept_bytes(self) -> int:
        """Memory the kept sentences hold."""
        with self._lock:
            return sum(utterance_bytes(u) for u in self._cache.values())

    def take(self, text: str) -> Iterator[Utterance]:
        """The speech of `text`, sentence by sentence: prepared ones at once, the rest made now."""
        sentences = self.voice.sentences(text)
        with self._lock:
            self._wanted = []  # Speak supersedes composing: the worker stops after its sentence
            self._generation += 1
        for sentence in sentences:
            with self._lock:
                ready = self._cache.get(self._key(sentence))
            if ready is not None:
                self.stats["hits"] += 1
                yield ready
                continue
            self.stats["misses"] += 1
            with self._synth_lock:
                with self._lock:
                    ready = self._cache.get(self._key(sentence))
                if ready is None:
                    ready = self.voice.synthesize_sentence(sentence)
                    with self._lock:
                        self._store(sentence, ready)
            yield ready

    def close(self) -> None:
        """Stop the worker thread."""
        with self._lock:
            self._closed = True
            self._wake.notify()
        self._thread.join(timeout=5)
