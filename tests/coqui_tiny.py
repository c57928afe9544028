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
