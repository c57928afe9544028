"""Word prediction with the real word lists (wordfreq, symspellpy's English pairs), learning, the
composer's rules and the keystroke-savings simulation."""

from __future__ import annotations

import json

import numpy as np
import pytest

from aac.predict import LearnedWords, Predictor, Weights, load_learned, prediction_language, save_learned
from aac.predict.chat_corpus import CHAT_TABLE, count_ngrams, read_table, write_table
from aac.predict.compose_text import BACKSPACE, accept_suggestion, apply_key
from aac.predict.lexicon import Lexicon, build_lexicon, load_lexicon
from aac.predict.savings import HELDOUT_FILE, keystroke_savings, read_messages
from aac.predict.words import match_key
from profiles.schema import Profile
from profiles.store import ProfileStore


@pytest.fixture(scope="module")
def english(tmp_path_factory) -> Lexicon:
    return load_lexicon("en-US", tmp_path_factory.mktemp("cache"))


def test_completions_of_common_prefixes(english):
    predictor = Predictor("en-US", lexicon=english)
    assert {"want", "was"} <= set(predictor.suggest("I wa"))
    assert "help" in predictor.suggest("Can you he")
    assert "don't" in predictor.suggest("I dont")  # typed without the apostrophe
    assert all(len(word) > 2 for word in predictor.suggest("I wa"))
    assert len(predictor.suggest("I wa", count=3)) == 3


def test_next_words_after_a_space(english):
    predictor = Predictor("en-US", lexicon=english)
    assert "you" in predictor.suggest("thank ")
    assert "to" in predictor.suggest("I want ")
    assert predictor.suggest("") and predictor.suggest("Hello. ")


def test_capitalisation_follows_the_person(english):
    predictor = Predictor("en-US", lexicon=english)
    assert "Want" in predictor.suggest("Wa")
    assert "WANT" in predictor.suggest("WA")
    assert "I" in predictor.suggest("i")  # "i" alone is not a word: the suggestion mends it
    assert all(word.startswith("I'") for word in predictor.suggest("You know I'"))
    assert all(word[0].isupper() for word in predictor.suggest("Fine. "))  # a new sentence
    # Mid-sentence only "I" and its contractions take a capital.
    assert all(
        word == word.lower() or word.startswith(("I ", "I'")) or word == "I" for word in predictor.suggest("fine and ")
    )


def test_learning_raises_the_persons_word_after_two_uses(english):
    predictor = Predictor("en-US", lexicon=english)
    assert "Xanthe" not in predictor.suggest("X")
    predictor.learn("Xanthe is coming at six.")
    predictor.learn("I want to see Xanthe today.")
    assert predictor.suggest("X")[0] == "Xanthe"
    assert predictor.suggest("Tell x")[0] == "Xanthe"  # the way they write it, however typed
    assert predictor.suggest("I want to see ")[0] == "Xanthe"
    assert predictor.learned.unigrams["xanthe"] == 2


def test_learning_off_learns_nothing(english):
    predictor = Predictor("en-US", lexicon=english, learning=False)
    before = predictor.suggest("X")
    predictor.learn("Xander is coming at six.")
    predictor.learn("I want to see Xander today.")
    assert predictor.learned.to_json() == LearnedWords().to_json()
    assert predictor.suggest("X") == before


def test_learned_words_round_trip_through_json():
    learned = LearnedWords()
    learned.add_message("Hi Xander! Yes I'm fine, thanks. See you at the iPad shop.")
    learned.add_message("hi again")
    text = json.dumps(learned.to_json())
    again = LearnedWords.from_json(json.loads(text))
    assert again.to_json() == learned.to_json()
    assert again.unigrams["hi"] == 2 and again.bigrams["<s>"]["hi"] == 2 and again.trigrams["<s> hi"]["xander"] == 1
    # A capital that only starts a sentence ("Yes", "See") is not how the word is written.
    assert again.forms == {"xander": "Xander", "i'm": "I'm", "ipad": "iPad"}
    assert again.total == learned.total


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="something else"), "format"),
        (lambda d: d.update(version=99), "version"),
        (lambda d: d.update(extra=1), "unknown keys"),
        (lambda d: d.update(unigrams=[1, 2]), "unigrams"),
        (lambda d: d["unigrams"].update(hello=-1), "at least 1"),
        (lambda d: d["unigrams"].update(hello=True), "whole number"),
        (lambda d: d["unigrams"].update(Hello=1), "lower case"),
        (lambda d: d["bigrams"].update(hello={"two words": 1}), "lower case"),
        (lambda d: d["trigrams"].update(hello={"there": 1}), "two words"),
        (lambda d: d["forms"].update(hello="Goodbye"), "not a way of writing"),
    ],
)
def test_damaged_learned_words_raise_value_error(change, message):
    learned = LearnedWords()
    learned.add_message("hello there")
    data = learned.to_json()
    change(data)
    with pytest.raises(ValueError, match=message):
        LearnedWords.from_json(data)
    with pytest.raises(ValueError):
        LearnedWords.from_json("not an object")


def test_learned_words_saved_in_the_profile_and_recovered_from_the_backup(tmp_path):
    store = ProfileStore(tmp_path)
    store.save(Profile(name="sam"))
    empty, note = load_learned(store, "sam")
    assert empty.total == 0 and note is None
    learned = LearnedWords()
    learned.add_message("first message")
    save_learned(store, "sam", learned)
    learned.add_message("second message")
    save_learned(store, "sam", learned)
    path = tmp_path / "sam" / "words.json"
    assert path.stat().st_mode & 0o077 == 0  # the person's words are private
    assert load_learned(store, "sam")[0].unigrams["message"] == 2
    path.write_text('{"format": "aac-avatar learned words", "version": 1, "unigrams": {"x": 0}}')
    recovered, note = load_learned(store, "sam")
    assert recovered.unigrams == {"first": 1, "message": 1}  # the previous version
    assert note is not None and "words.json" in note and "at least 1" in note


def test_composer_rules():
    assert accept_suggestion("I wa", "want") == "I want "
    assert accept_suggestion("Wa", "want") == "Want "  # the capital the person typed stays
    assert accept_suggestion("I want ", "to") == "I want to "
    assert accept_suggestion("Hello.", "How") == "Hello. How "
    assert accept_suggestion("", "I") == "I "
    # Punctuation after a suggestion's space takes that space's place.
    text = accept_suggestion("Can you wa", "wait")
    assert apply_key(text, "?") == "Can you wait? "
    assert apply_key(apply_key(text, ","), " ") == "Can you wait, "  # the space is already there
    assert apply_key(apply_key("Yes", " "), "!") == "Yes! "
    assert apply_key("I say ", "(") == "I say ("  # opening punctuation is not moved
    assert apply_key("ab", BACKSPACE) == "a"
    with pytest.raises(ValueError):
        apply_key("a", "xy")


def test_keystroke_savings_counts_every_key():
    # Three words made here; one suggestion shown, so every key can be counted by hand.
    words = ["hello", "help", "me"]
    lexicon = Lexicon(
        language="test",
        words=words,
        keys=[match_key(word) for word in words],
        unigram=np.array([0.4, 0.3, 0.2], np.float32),
        followers={},
        next_ids=np.zeros(0, np.int32),
        next_probs=np.zeros(0, np.float32),
    )
    weights = Weights(passed_over=1.0)  # a word passed over is offered again, as the count below assumes
    report = keystroke_savings(
        ["help me.", "help me."], lambda: Predictor("test", lexicon=lexicon, weights=weights), suggestions=1
    )
    # First time, nothing learned: "hello" is always offered: h e l p, space, m, take "me", "." = 8 keys.
    # Second time, learned from the first: take "Help", take "me", "." = 3 keys.
    assert (report.messages, report.characters, report.keys) == (2, 16, 11)
    assert report.savings == pytest.approx(1 - 11 / 16)
    assert report.ms_per_keystroke_mean > 0 and report.ms_per_keystroke_p95 > 0


def test_keystroke_savings_on_real_messages(english):
    messages = read_messages(HELDOUT_FILE)[:20]
    learning = keystroke_savings(messages, lambda: Predictor("en-US", lexicon=english))
    assert learning.characters == sum(len(message) for message in messages)
    assert 0.3 < learning.savings < 0.8


def test_a_language_without_word_pairs_still_suggests():
    german = build_lexicon("de", size=20_000)
    assert not german.has_pairs
    predictor = Predictor("de", lexicon=german)
    assert "Haus" in predictor.suggest("Ich gehe nach Hau") or "haus" in predictor.suggest("ich gehe nach hau")
    assert len(predictor.suggest("Ich ")) == 5
    predictor.learn("Ich möchte Kakao trinken.")
    assert predictor.suggest("Ich möchte Kak")[0] == "Kakao"


def test_a_language_without_a_word_list_uses_the_persons_words(tmp_path):
    predictor = Predictor("tlh", cache_dir=tmp_path)
    assert predictor.note is not None and "tlh" in predictor.note
    assert predictor.suggest("") == []
    predictor.learn("nuqneH Qapla")
    assert predictor.suggest("nu") == ["nuqneH"]


def test_the_word_list_cache_reads_back_and_survives_damage(tmp_path, english):
    cache = tmp_path / "cache"
    built = load_lexicon("en-GB", cache)
    files = list(cache.glob("lexicon-en-*.npz"))
    assert len(files) == 1
    cached = load_lexicon("en-GB", cache)
    assert cached.words == built.words == english.words
    assert np.array_equal(cached.next_probs, built.next_probs) and cached.followers == built.followers
    for name in ("chat_pairs", "chat_triples"):
        again, first = getattr(cached, name), getattr(built, name)
        assert again.spans == first.spans and again.totals == first.totals and first.spans
        assert np.array_equal(again.ids, first.ids) and np.array_equal(again.probs, first.probs)
    files[0].write_bytes(b"not a numpy file")
    assert load_lexicon("en-GB", cache).words == built.words  # rebuilt


def test_prediction_language_comes_from_the_profile():
    assert prediction_language(Profile(name="a", language="de")) == "de"
    assert prediction_language(Profile(name="a", language="de", prediction={"language": "en-GB"})) == "en-GB"


def test_conversation_pairs_count_sentences_and_mend_apostrophes(tmp_path):
    spell = {"im": "i'm"}.get
    pairs, triples = count_ngrams(["im here. Are you there?", "are you ok"], lambda word: spell(word, word))
    assert pairs["<s>\ti'm"] == 1 and pairs["are\tyou"] == 2 and pairs["<s>\tare"] == 2
    assert triples["<s> <s>\tare"] == 2 and triples["are you\tthere"] == 1 and "here\tare" not in pairs
    path = tmp_path / "table.tsv.gz"
    rows = write_table(path, pairs, triples)
    read = list(read_table(path))
    assert len(read) == rows and ("are", "you", 2) in read
    assert ("<s> <s>", "are", 2) not in read  # triples need three sightings
    assert all(count >= 2 for _context, _word, count in read)  # one-offs left out
    path.write_bytes(__import__("gzip").compress(b"# header\nare you\n"))
    with pytest.raises(ValueError, match="line 2"):
        list(read_table(path))


def test_the_shipped_conversation_table_names_its_source_and_licence():
    import gzip

    with gzip.open(CHAT_TABLE, "rt", encoding="utf-8") as table:
        header = table.read(3000)
    assert "Chit-Chat" in header and "MIT License" in header and "Permission is hereby granted" in header


def test_conversation_ranks_what_people_say(english):
    predictor = Predictor("en-US", lexicon=english)
    after_are = predictor.suggest("Where are ")
    assert "you" in after_are and ("not" not in after_are or after_are.index("you") < after_are.index("not"))
    assert "I" in predictor.suggest("")  # a message most often starts with "I"
    assert "I'm" in predictor.suggest("I")
    assert "you" in predictor.suggest("Can ")
    without = Predictor("en-US", lexicon=english, weights=Weights(chat_pair=0.0, chat_triple=0.0))
    assert "I" not in without.suggest("")


def test_words_passed_over_give_way_to_others():
    words = ["hello", "help", "me"]
    lexicon = Lexicon(
        language="test",
        words=words,
        keys=[match_key(word) for word in words],
        unigram=np.array([0.4, 0.3, 0.2], np.float32),
        followers={},
        next_ids=np.zeros(0, np.int32),
        next_probs=np.zeros(0, np.float32),
    )
    predictor = Predictor("test", lexicon=lexicon)
    assert predictor.suggest("", 1) == ["Hello"]
    assert predictor.suggest("", 1) == ["Hello"]  # asked again for the same text (a redraw): the same
    assert predictor.suggest("h", 1) == ["help"]  # "hello" was offered and not taken
    assert sorted(predictor.suggest("he", 2)) == ["hello", "help"]  # both passed over, still offered when room
    assert predictor.suggest("h", 1) == ["hello"]  # a deletion starts afresh
    # First message: "hello" offered, h, take "help", m, take "me", "." = 5 keys; second: take, take, "." = 3.
    report = keystroke_savings(["help me.", "help me."], lambda: Predictor("test", lexicon=lexicon), suggestions=1)
    assert report.keys == 8
