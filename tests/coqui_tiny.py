"""A tiny coqui-tts VITS model with random weights (1.5 M parameters), built by the tests.

No coqui model ships in any registry package and none can be downloaded here, so the real coqui
code path (config, checkpoint, loading, synthesis) is exercised on this one: it babbles, but it is
a real VITS model saved and loaded exactly as a trained one is.
"""

from __future__ import annotations

from pathlib import Path


def build_tiny_vits(folder: Path, sample_rate_hz: int = 16000, seed: int = 0) -> Path:
    """Write config.json and model.pth of a tiny random VITS into `folder`; return the folder."""
    import torch
    from TTS.tts.configs.shared_configs import CharactersConfig
    from TTS.tts.configs.vits_config import VitsConfig
    from TTS.tts.models.vits import Vits, VitsArgs

    torch.manual_seed(seed)
    args = VitsArgs(
        hidden_channels=32, hidden_channels_ffn_text_encoder=64, num_layers_text_encoder=2, num_heads_text_encoder=2,
        upsample_initial_channel_decoder=64, num_layers_flow=2, num_layers_posterior_encoder=2,
        resblock_kernel_sizes_decoder=[3], resblock_dilation_sizes_decoder=[[1, 3, 5]],
        upsample_rates_decoder=[8, 8, 4], upsample_kernel_sizes_decoder=[16, 16, 8], init_discriminator=False,
    )
    characters = CharactersConfig(
        characters_class="TTS.tts.models.vits.VitsCharacters", pad="<PAD>", eos="<EOS>", bos="<BOS>",
        blank="<BLNK>", characters="abcdefghijklmnopqrstuvwxyz", punctuations="!'(),-.:;? ", phonemes=None,
        is_unique=True, is_sorted=True,
    )
    config = VitsConfig(model_args=args, use_phonemes=False, text_cleaner="english_cleaners",
                        characters=characters, add_blank=True)
    config.audio.sample_rate = sample_rate_hz
    model = Vits(config)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    torch.save({"model": model.state_dict(), "config": config.to_dict()}, folder / "model.pth")
    config.save_json(str(folder / "config.json"))
    return folder


XTTS_LANGUAGES = ("en", "de", "fr")


def build_tiny_xtts(folder: Path, seed: int = 0) -> Path:
    """Write config.json, model.pth and vocab.json of a tiny random XTTS (about 22 M parameters, most of them its
    fixed-size HiFi-GAN decoder and speaker encoder; a one-layer 64-wide GPT) into `folder`, speaking
    XTTS_LANGUAGES. The tokenizer is a character vocabulary with XTTS's special and language tokens, made with
    the `tokenizers` library exactly as XTTS's own vocab.json is read."""
    import torch
    from tokenizers import Tokenizer, models
    from TTS.tts.configs.xtts_config import XttsArgs, XttsConfig
    from TTS.tts.layers.xtts.tokenizer import VoiceBpeTokenizer
    from TTS.tts.models.xtts import Xtts

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    special = ["[STOP]", "[UNK]", "[SPACE]", "[START]"] + [f"[{language}]" for language in XTTS_LANGUAGES]
    characters = list("abcdefghijklmnopqrstuvwxyz\u00e4\u00f6\u00fc\u00df\u00e9\u00e8\u00e0\u00e7.,!?'-")
    tokenizer = Tokenizer(models.BPE(vocab={t: i for i, t in enumerate(special + characters)}, merges=[],
                                     unk_token="[UNK]"))
    tokenizer.add_special_tokens(special)
    tokenizer.save(str(folder / "vocab.json"))
    torch.manual_seed(seed)
    # few audio codes (40 codes is ~1.9 s of speech)
    args = XttsArgs(gpt_layers=1, gpt_n_model_channels=64, gpt_n_heads=2, gpt_max_audio_tokens=40,
                    gpt_max_prompt_tokens=16, gpt_num_audio_tokens=66, gpt_start_audio_token=64,
                    gpt_stop_audio_token=65, decoder_input_dim=64, gpt_use_perceiver_resampler=True)
    config = XttsConfig(model_args=args, languages=list(XTTS_LANGUAGES))
    model = Xtts(config)
    model.tokenizer = VoiceBpeTokenizer(str(folder / "vocab.json"))
    model.init_models()
    # a random GPT may draw its stop code at the first step and say nothing (about 1 in 66 a step): it never
    # stops by itself here, so every sentence is its full 40 codes and a test's checks on the audio hold
    with torch.no_grad():
        model.gpt.mel_head.bias[args.gpt_stop_audio_token] = -1e4
    torch.save({"model": model.state_dict()}, folder / "model.pth")
    config.save_json(str(folder / "config.json"))
    return folder
