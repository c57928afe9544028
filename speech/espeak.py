"""espeak-ng in-process through ctypes: 130 languages, sample-exact phone and word timing.

libespeak-ng keeps one synthesizer per process, so every `EspeakVoice` shares one
`_EspeakLibrary`, which sets the voice and parameters under a lock before each sentence.
Phoneme events (in IPA) carry the sample index where each phone starts; an empty phoneme
name marks a pause.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
import threading
from dataclasses import dataclass

import numpy as np

from speech.errors import BackendUnavailableError, VoiceNotFoundError
from speech.utterance import TimedPhone, TimedWord, Utterance
from speech.visemes import viseme_for
from speech.voice import Voice, VoiceInfo, VoiceSettings

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INIT_PHONEME_EVENTS = 0x0001
_INIT_PHONEME_IPA = 0x0002
_INIT_DONT_EXIT = 0x8000
_CHARS_UTF8 = 1
_POS_CHARACTER = 1
_EV_LIST_TERMINATED, _EV_WORD, _EV_PHONEME = 0, 1, 7
_PARAM_RATE, _PARAM_PITCH = 1, 3
_DEFAULT_WPM = 175


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    ]


class _VoiceStruct(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_void_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


_Callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))
_GENDERS = {1: "male", 2: "female"}


@dataclass(frozen=True)
class _Entry:
    """A voice or variant as the library lists it."""

    name: str
    identifier: str
    languages: tuple[str, ...]
    gender: str


@dataclass(frozen=True)
class _RawPhone:
    phone: str
    start_sample: int
    text_position: int


@dataclass(frozen=True)
class _RawWord:
    text_position: int
    length: int
    start_sample: int


def _read_languages(address: int) -> tuple[str, ...]:
    # The field is a run of (priority byte, NUL-terminated language) pairs ending in a 0 byte.
    langs = []
    while address and ctypes.c_ubyte.from_address(address).value != 0:
        lang = ctypes.string_at(address + 1)
        langs.append(lang.decode("ascii", "replace"))
        address += 2 + len(lang)
    return tuple(langs)


def _data_path_of_loaded_library() -> bytes | None:
    """The data folder for the libespeak-ng this process really uses, when it is Kokoro's.

    Kokoro's espeakng-loader ships its own libespeak-ng under the system library's name; once it is
    loaded, ours resolves to it, and its built-in data folder is one on the machine it was built on
    (espeak-ng then fails to start). Its own data folder goes with it. None: the library's default.
    """
    loader = sys.modules.get("espeakng_loader")
    if loader is None:
        return None
    try:
        library = os.path.realpath(loader.get_library_path())
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            loaded = library in maps.read()
        return os.fsencode(loader.get_data_path()) if loaded else None
    except (OSError, AttributeError):
        return None


class _EspeakLibrary:
    """The one libespeak-ng of this process, initialized for synchronous synthesis with events."""

    def __init__(self) -> None:
        path = ctypes.util.find_library("espeak-ng") or "libespeak-ng.so.1"
        try:
            self._lib = ctypes.CDLL(path)
        except OSError as exc:
            raise BackendUnavailableError(
                "espeak-ng is not installed (libespeak-ng not found). "
                "On Debian/Ubuntu: sudo apt-get install espeak-ng libespeak-ng1"
            ) from exc
        lib = self._lib
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
            ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]
        lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_VoiceStruct))
        lib.espeak_ListVoices.argtypes = [ctypes.c_void_p]
        rate = lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, 0, _data_path_of_loaded_library(),
            _INIT_PHONEME_EVENTS | _INIT_PHONEME_IPA | _INIT_DONT_EXIT,
        )
        if rate <= 0:
            raise BackendUnavailableError("espeak-ng failed to start: its data files (espeak-ng-data) are missing")
        self.sample_rate_hz = int(rate)
        self.lock = threading.Lock()
        self._chunks: list[np.ndarray] = []
        self._phones: list[_RawPhone] = []
        self._words: list[_RawWord] = []
        self._callback = _Callback(self._on_synth)  # kept referenced: the library holds only a pointer
        lib.espeak_SetSynthCallback(self._callback)
        self.voices = self._list(None)
        spec = _VoiceStruct()
        spec.languages = ctypes.cast(ctypes.c_char_p(b"variant"), ctypes.c_void_p)
        self.variants = self._list(ctypes.byref(spec))

    def _list(self, spec: object) -> tuple[_Entry, ...]:
        found = self._lib.espeak_ListVoices(spec)
        entries = []
        i = 0
        while found[i]:
            v = found[i].contents
            entries.append(
                _Entry(
                    name=v.name.decode("utf-8", "replace"),
                    identifier=v.identifier.decode("utf-8", "replace"),
                    languages=_read_languages(v.languages),
                    gender=_GENDERS.get(v.gender, "unknown"),
                )
            )
            i += 1
        return tuple(entries)

    def _on_synth(self, wav: ctypes.POINTER(ctypes.c_short), count: int, events: ctypes.POINTER(_Event)) -> int:
        if wav and count > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, (count,)).copy())
        i = 0
        while events[i].type != _EV_LIST_TERMINATED:
            ev = events[i]
            if ev.type == _EV_PHONEME:
                name = bytes(ev.id.string).split(b"\0", 1)[0].decode("utf-8", "replace")
                self._phones.append(_RawPhone(name, ev.sample, ev.text_position))
            elif ev.type == _EV_WORD:
                self._words.append(_RawWord(ev.text_position, ev.length, ev.sample))
            i += 1
        return 0

    def synthesize(
        self, text: str, voice_name: str, rate_wpm: int, pitch: int
    ) -> tuple[np.ndarray, list[_RawPhone], list[_RawWord]]:
        """Synthesize one piece of plain text (no SSML, no phoneme input) with its raw events."""
        with self.lock:
            if self._lib.espeak_SetVoiceByName(voice_name.encode("utf-8")) != 0:
                raise VoiceNotFoundError(f"espeak-ng has no voice {voice_name!r}")
            self._lib.espeak_SetParameter(_PARAM_RATE, rate_wpm, 0)
            self._lib.espeak_SetParameter(_PARAM_PITCH, pitch, 0)
            self._chunks, self._phones, self._words = [], [], []
            data = text.encode("utf-8") + b"\0"
            # flags = UTF-8 text only: without espeakSSML and espeakPHONEMES nothing in the text is markup.
            self._lib.espeak_Synth(data, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
            pcm = np.concatenate(self._chunks) if self._chunks else np.zeros(0, dtype=np.int16)
            return pcm, self._phones, self._words


_library: _EspeakLibrary | None = None
_library_lock = threading.Lock()


def _get_library() -> _EspeakLibrary:
    # libespeak-ng is one synthesizer per process: load it once, on first use, never at import.
    global _library
    with _library_lock:
        if _library is None:
            _library = _EspeakLibrary()
        return _library


def _public_name(entry: _Entry) -> str:
    return entry.languages[0] if entry.languages else entry.identifier.rsplit("/", 1)[-1].lower()


def list_espeak_voices() -> list[VoiceInfo]:
    """Every espeak-ng language voice (variants are added with "+name", e.g. espeak:en-gb+f3)."""
    lib = _get_library()
    return [
        VoiceInfo(
            id=f"espeak:{_public_name(e)}",
            backend="espeak",
            name=_public_name(e),
            language=_public_name(e),
            gender=e.gender,
            description=e.name,
            has_timing=True,
        )
        for e in lib.voices
    ]


def list_espeak_variants() -> list[tuple[str, str]]:
    """(variant name, gender) for every variant that can follow "+" in a voice name."""
    return [(e.identifier.rsplit("/", 1)[-1], e.gender) for e in _get_library().variants]


def _resolve(name: str) -> tuple[_Entry, _Entry | None]:
    lib = _get_library()
    base, _, variant = name.partition("+")
    voice = next((e for e in lib.voices if _public_name(e).lower() == base.lower()), None)
    if voice is None:
        voice = next((e for e in lib.voices if e.identifier.lower() == base.lower()), None)
    if voice is None:
        import difflib

        names = [_public_name(e) for e in lib.voices]
        close = difflib.get_close_matches(base.lower(), names, n=5, cutoff=0.5)
        hint = f" Closest: {', '.join('espeak:' + c for c in close)}." if close else ""
        raise VoiceNotFoundError(f"espeak-ng has no voice {base!r}.{hint} See `aac-avatar voices`.")
    var = None
    if variant:
        var = next((e for e in lib.variants if e.identifier.rsplit("/", 1)[-1].lower() == variant.lower()), None)
        if var is None:
            import difflib

            names = [e.identifier.rsplit("/", 1)[-1] for e in lib.variants]
            close = difflib.get_close_matches(variant, names, n=5, cutoff=0.5)
            hint = f" Closest: {', '.join(close)}." if close else ""
            raise VoiceNotFoundError(f"espeak-ng has no variant {variant!r}.{hint}")
    return voice, var


class EspeakVoice(Voice):
    """An espeak-ng voice, e.g. `EspeakVoice("en-gb+f3")`, with exact phone and word timing."""

    def __init__(self, name: str = "en-us", settings: VoiceSettings | None = None) -> None:
        self._lib = _get_library()
        entry, variant = _resolve(name)
        self._espeak_name = entry.identifier + (f"+{variant.identifier.rsplit('/', 1)[-1]}" if variant else "")
        public = _public_name(entry) + (f"+{variant.identifier.rsplit('/', 1)[-1]}" if variant else "")
        self.settings = settings or VoiceSettings()
        self.info = VoiceInfo(
            id=f"espeak:{public}",
            backend="espeak",
            name=public,
            language=_public_name(entry),
            gender=variant.gender if variant else entry.gender,
            description=entry.name + (f" ({variant.name})" if variant else ""),
            has_timing=True,
        )

    @property
    def sample_rate_hz(self) -> int:
        return self._lib.sample_rate_hz

    def _synthesize_sentence(self, sentence: str) -> Utterance:
        rate_wpm = int(round(min(450, max(80, _DEFAULT_WPM * self.settings.rate))))
        # espeak's pitch runs 0-100 around 50; about 4 steps make a semitone for its default voices.
        pitch = int(round(min(100, max(0, 50 + 4 * self.settings.pitch_semitones))))
        pcm, raw_phones, raw_words = self._lib.synthesize(sentence, self._espeak_name, rate_wpm, pitch)
        audio = pcm.astype(np.float32) / np.float32(32768.0)
        rate = self.sample_rate_hz
        located = _timed_phones(raw_phones, len(audio), rate)
        words = _timed_words(sentence, raw_words, located, rate)
        phones = tuple(p for p, _ in located)
        return Utterance(
            text=sentence,
            audio=audio,
            sample_rate_hz=rate,
            voice_id=self.info.id,
            words=words,
            phones=phones,
            has_timing=True,
        )


def _timed_phones(raw: list[_RawPhone], total_samples: int, rate: int) -> tuple[tuple[TimedPhone, int], ...]:
    """Phones from start events, each with its word's text position.

    Each phone ends where the next starts; runs of pause events become one "sil" phone.
    """
    phones: list[tuple[TimedPhone, int]] = []
    for i, p in enumerate(raw):
        start = min(p.start_sample, total_samples)
        end = min(raw[i + 1].start_sample if i + 1 < len(raw) else total_samples, total_samples)
        if end <= start:
            continue
        name = p.phone if p.phone else "_"
        start_s = start / rate
        if phones and name == "_" and phones[-1][0].phone == "_":
            start_s = phones.pop()[0].start_s
        phones.append((TimedPhone(name, viseme_for(name), start_s, end / rate), p.text_position))
    if phones and phones[0][0].start_s > 0:
        phones.insert(0, (TimedPhone("_", "sil", 0.0, phones[0][0].start_s), 0))
    return tuple(phones)


def _timed_words(
    sentence: str, raw: list[_RawWord], phones: tuple[tuple[TimedPhone, int], ...], rate: int
) -> tuple[TimedWord, ...]:
    """Words from WORD events, timed by their own phones.

    A word's text runs to the next word's start, so words espeak speaks as one ("I am")
    stay together and no text is lost.
    """
    words = []
    raw = [w for w in raw if w.length > 0]  # espeak also reports empty words at clause ends
    for i, w in enumerate(raw):
        end_pos = raw[i + 1].text_position - 1 if i + 1 < len(raw) else len(sentence)
        text = sentence[max(0, w.text_position - 1) : max(end_pos, w.text_position - 1 + w.length)].strip()
        if not text:
            continue
        own = [p for p, pos in phones if pos == w.text_position and p.phone != "_"]
        start_s = own[0].start_s if own else w.start_sample / rate
        end_s = own[-1].end_s if own else start_s
        words.append(TimedWord(text, start_s, end_s))
    return tuple(words)
