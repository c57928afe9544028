"""Word prediction that learns: completions and next words from the language's word list, English
word pairs and the person's own words; the composer's rules; the keystroke-savings simulation."""

from aac.predict.learned import LearnedWords, load_learned, save_learned
from aac.predict.predictor import Predictor, Weights, prediction_language

__all__ = ["LearnedWords", "Predictor", "Weights", "load_learned", "prediction_language", "save_learned"]
