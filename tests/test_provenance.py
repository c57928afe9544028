"""Honest by construction: what aac-avatar writes carries C2PA credentials and invisible marks that
survive a meeting app's re-encoding, and `verify` tells them apart from everything else."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import cv2
import numpy as np
import pytest
import soundfile as sf

from aac.cli import main
from aac.live.engine import EngineSettings, LiveEngine
from aac.live.video_outputs import FrameCollector, Mp4Recorder
from aac.provenance.audio_mark import detect_audio, mark_audio
from aac.provenance.frame_mark import FrameMarker, detect, psnr_db
from aac.provenance.manifest import read_manifest, sign_file
from aac.provenance.verify import verify
from avatar import params
from avatar.render import Renderer
from avatar.rig import load_rig
from profiles.bundled_faces import list_default_faces
from speech.registry import get_voice
from tests.gl_probe import requires_gl

SPEECH = ("Good morning, everyone. Thank you for waiting while I type. I have a question about the plan "
          "for next week. Could we meet on Tuesday afternoon instead?")


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", *args], check=True, capture_output=True)


def meeting_app(source, target, crop=0.03):
    """What a meeting app does: crop a little, scale to 640x360, H.264 at 500 kbps, Opus 24 kbps, no metadata."""
    ffmpeg("-i", str(source), "-vf", f"crop=iw*{1 - 2 * crop}:ih*{1 - 2 * crop},scale=640:360",
           "-c:v", "libx264", "-b:v", "500k", "-maxrate", "500k", "-bufsize", "1000k",
           "-c:a", "libopus", "-b:a", "24k", "-map_metadata", "-1", str(target))


@pytest.fixture(scope="module")
def espeak():
    voice = get_voice("espeak:en-us")
    yield voice
    voice.close()


@pytest.fixture(scope="module")
def avatar_frame():
    renderer = Renderer(load_rig(list_default_faces()[0].rig_path), 1280, 720)
    try:
        return renderer.render(params.from_dict({"jaw_open": 0.3}))
    finally:
        renderer.release()


# -- the marks themselves ------------------------------------------------------------------------------

@requires_gl
def test_frame_mark_is_invisible_by_psnr_and_found_in_one_frame(avatar_frame):
    marked = FrameMarker().mark(avatar_frame.copy())
    assert psnr_db(avatar_frame, marked) >= 42.0
    assert np.abs(marked.astype(int) - avatar_frame.astype(int)).max() <= 2
    assert detect([marked]).found
    assert not detect([avatar_frame]).found
    assert not detect([FrameMarker(b"another key").mark(avatar_frame.copy())]).found


def test_voice_mark_survives_opus_24_kbps(espeak, tmp_path):
    speech = espeak.synthesize(SPEECH)
    marked = mark_audio(speech.audio, speech.sample_rate_hz)
    assert len(marked) == len(speech.audio)
    for name, audio in (("marked", marked), ("plain", speech.audio)):
        sf.write(tmp_path / f"{name}.wav", audio, speech.sample_rate_hz)
        ffmpeg("-i", str(tmp_path / f"{name}.wav"), "-c:a", "libopus", "-b:a", "24k", str(tmp_path / f"{name}.ogg"))
        ffmpeg("-i", str(tmp_path / f"{name}.ogg"), "-ar", "16000", str(tmp_path / f"{name}-back.wav"))
    back, rate = sf.read(tmp_path / "marked-back.wav", dtype="float32")
    assert detect_audio(back, rate).found
    plain, rate = sf.read(tmp_path / "plain-back.wav", dtype="float32")
    assert not detect_audio(plain, rate).found
    assert not detect_audio(mark_audio(speech.audio, speech.sample_rate_hz, key=b"another key"),
                            speech.sample_rate_hz).found


# -- rendered videos --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def rendered_mp4(tmp_path_factory):
    folder = tmp_path_factory.mktemp("render")
    path = folder / "hello.mp4"
    code = main(["--profiles-dir", str(folder / "profiles"), "render", "--voice", "espeak:en-us",
                 "--text", SPEECH, "--width", "640", "--height", "360", "-o", str(path)])
    assert code == 0
    return path


@requires_gl
def test_rendered_mp4_is_signed_and_marked(rendered_mp4, capsys):
    capsys.readouterr()
    assert main(["verify", str(rendered_mp4), "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["made_by_aac_avatar"]
    assert found["manifest_state"] == "trusted"  # signed by this computer's own key
    assert found["manifest_by_aac_avatar"] and found["manifest_declares_ai"]
    assert found["frame_mark_found"] and found["audio_mark_found"]
    assert main(["verify", str(rendered_mp4)]) == 0
    words = capsys.readouterr().out
    assert "made by aac-avatar" in words and "declares it AI-generated" in words


@requires_gl
def test_reencoded_scaled_cropped_and_stripped_video_is_still_found_by_its_mark(rendered_mp4, tmp_path, capsys):
    received = tmp_path / "received.mkv"
    meeting_app(rendered_mp4, received, crop=0.03)
    assert main(["verify", str(received), "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["manifest_state"] in ("unsupported", "absent")  # the credentials did not survive
    assert found["frame_mark_found"] and found["frame_mark_confidence"] > 0.5
    # A single frame taken from it, as a screenshot.
    ffmpeg("-i", str(received), "-vf", "select=eq(n\\,30)", "-frames:v", "1", str(tmp_path / "shot.png"))
    assert verify(tmp_path / "shot.png").frame_mark.found


@requires_gl
def test_tampered_file_and_tampered_manifest_are_reported_as_tampered(rendered_mp4, tmp_path, capsys):
    data = rendered_mp4.read_bytes()
    media = bytearray(data)
    media[data.index(b"mdat") + 5000] ^= 0xFF
    (tmp_path / "media.mp4").write_bytes(bytes(media))
    claim = data.replace(b"trainedAlgorithmicMedia", b"trainedAlgorithmicMediX", 1)
    assert claim != data
    (tmp_path / "claim.mp4").write_bytes(claim)
    for name in ("media.mp4", "claim.mp4"):
        report = read_manifest(tmp_path / name)
        assert report.state == "tampered", (name, report)
        capsys.readouterr()
        main(["verify", str(tmp_path / name)])
        assert "TAMPERED" in capsys.readouterr().out


@requires_gl
def test_the_live_engine_marks_what_goes_out_and_signs_its_recording(tmp_path, espeak):
    width, height = 320, 180
    rig = load_rig(list_default_faces()[0].rig_path)
    collector = FrameCollector(keep=20)
    recorder = Mp4Recorder(tmp_path / "call.mp4", width, height, 30.0, espeak.sample_rate_hz)
    engine = LiveEngine(lambda: Renderer(rig, width, height), espeak, EngineSettings(width, height, 30.0),
                        video_outputs=[collector, recorder], prepare=False)
    engine.start()
    time.sleep(0.5)
    engine.say(SPEECH)
    deadline = time.monotonic() + 40
    time.sleep(0.3)
    while not engine.idle() and time.monotonic() < deadline:
        time.sleep(0.05)
    engine.close()
    assert detect(collector.frames).found
    verdict = verify(tmp_path / "call.mp4")
    assert verdict.manifest.state == "trusted" and verdict.manifest.by_aac_avatar
    assert verdict.frame_mark.found and verdict.audio_mark.found


# -- everything else is not ours ---------------------------------------------------------------------------

def _foreign_images(avatar_frames: list[np.ndarray]) -> list[np.ndarray]:
    from skimage import data

    photos = []
    for name in ("astronaut", "camera", "coffee", "chelsea", "rocket", "moon", "page", "text", "coins", "clock",
                 "horse", "immunohistochemistry", "hubble_deep_field", "grass", "gravel", "brick", "cell"):
        try:
            image = np.asarray(getattr(data, name)())
        except Exception:  # a sample that needs a download is left out
            continue
        photos.append(image if image.dtype == np.uint8 else (image * 255).clip(0, 255).astype(np.uint8))
    images = []
    for photo in photos:
        h, w = photo.shape[:2]
        images += [photo, cv2.resize(photo, (1280, 720)), cv2.resize(photo, (640, 360)),
                   photo[: h // 2, : w // 2], photo[h // 3:, w // 4:], cv2.flip(photo, 1),
                   cv2.GaussianBlur(photo, (0, 0), 2.0)]
    rng = np.random.default_rng(7)
    for k in range(30):
        size = (360, 640, 3) if k % 2 else (720, 1280, 3)
        noise = rng.normal(128, 10 + 5 * k, size).clip(0, 255).astype(np.uint8)
        images.append(cv2.GaussianBlur(noise, (0, 0), 1 + k % 5) if k % 3 else noise)
    images += avatar_frames  # the product's own faces, unmarked
    return images


@pytest.fixture(scope="module")
def unmarked_avatar_frames():
    frames = []
    for face in list_default_faces():
        renderer = Renderer(load_rig(face.rig_path), 640, 360)
        try:
            for values in ({}, {"jaw_open": 0.6}, {"head_yaw_deg": 12.0, "blink_left": 1.0}):
                frames.append(renderer.render(params.from_dict(values)))
        finally:
            renderer.release()
    return frames


@requires_gl
def test_no_false_positives_over_hundreds_of_foreign_videos_pictures_and_sounds(tmp_path, unmarked_avatar_frames):
    pytest.importorskip("skimage.data", reason="scikit-image (test extra) provides the sample photos")
    checked, worst = 0, {"frames": 0.0, "audio": 0.0}

    def check(path):
        nonlocal checked
        verdict = verify(path)
        assert not verdict.problem, (path, verdict.problem)
        assert not verdict.made_by_aac_avatar, (path, verdict.as_dict())
        if verdict.frame_mark:
            worst["frames"] = max(worst["frames"], verdict.frame_mark.strength_sigma)
        if verdict.audio_mark:
            worst["audio"] = max(worst["audio"], verdict.audio_mark.strength_sigma)
        checked += 1

    for k, image in enumerate(_foreign_images(unmarked_avatar_frames)):
        path = tmp_path / f"image{k}.{'jpg' if k % 2 else 'png'}"
        cv2.imwrite(str(path), image[:, :, ::-1] if image.ndim == 3 else image)
        check(path)
    sources = ["testsrc", "testsrc2", "smptebars", "smptehdbars", "rgbtestsrc", "yuvtestsrc", "pal75bars",
               "mandelbrot", "life=mold=10:ratio=0.1", "cellauto=rule=110", "color=c=gray"]
    for k, source in enumerate(sources):
        for size, rate in (("640x360", "500k"), ("1280x720", "2M"), ("320x240", "200k")):
            path = tmp_path / f"video{k}-{size}.mp4"
            name, _, options = source.partition("=")
            spec = f"{name}=size={size}:rate=10" + (f":{options}" if options else "")
            ffmpeg("-f", "lavfi", "-i", spec, "-f", "lavfi", "-i", "anoisesrc=a=0.1:c=pink", "-t", "3",
                   "-vf", "noise=alls=20:allf=t" if name == "color" else "null", "-c:v", "libx264", "-b:v", rate,
                   "-pix_fmt", "yuv420p", "-c:a", "aac", str(path))
            check(path)
    for name in ("astronaut", "coffee", "chelsea"):
        path = tmp_path / f"{name}.mp4"
        photo_path = tmp_path / f"{name}-still.png"
        from skimage import data
        cv2.imwrite(str(photo_path), getattr(data, name)()[:, :, ::-1])
        ffmpeg("-loop", "1", "-i", str(photo_path), "-vf", "zoompan=z='1+0.002*on':d=60:s=640x360",
               "-t", "4", "-r", "15", "-c:v", "libx264", "-pix_fmt", "yuv420p", str(path))
        check(path)
    texts = [SPEECH, "The quick brown fox jumps over the lazy dog, twice, and then it rests in the sun.",
             "Bonjour tout le monde, merci d'être venus aujourd'hui. Nous parlons du projet.",
             "Guten Morgen zusammen. Heute besprechen wir den Plan für die nächste Woche."]
    for voice_id in ("espeak:en-us", "espeak:en-gb", "espeak:fr", "espeak:de", "espeak:es", "espeak:en-us+f3",
                     "espeak:en-gb-scotland", "espeak:it"):
        try:
            voice = get_voice(voice_id)
        except Exception:
            continue
        try:
            for j, text in enumerate(texts):
                speech = voice.synthesize(text)
                path = tmp_path / f"voice-{voice_id.replace(':', '-').replace('+', '-')}-{j}.wav"
                sf.write(path, speech.audio, speech.sample_rate_hz)
                check(path)
        finally:
            voice.close()
    rng = np.random.default_rng(3)
    for k in range(20):
        rate = 16000 if k % 2 else 44100
        t = np.arange(rate * 6) / rate
        sound = (0.2 * np.sin(2 * np.pi * (200 + 40 * k) * t * (1 + 0.1 * t)) if k % 3 == 0
                 else rng.normal(0, 0.05 + 0.01 * k, len(t)))
        sound = sound * (0.5 + 0.5 * np.sin(2 * np.pi * 0.5 * t))  # loudness that comes and goes, as speech
        path = tmp_path / f"sound{k}.{'wav' if k % 2 else 'flac'}"
        sf.write(path, sound.astype(np.float32), rate)
        check(path)
    print(f"foreign media checked: {checked}; strongest false frame mark {worst['frames']:.2f} sigma, "
          f"voice mark {worst['audio']:.2f} sigma", file=sys.stderr)
    assert checked >= 200


# -- what is not media ---------------------------------------------------------------------------------------

@requires_gl
def test_bad_inputs_get_a_clear_message_and_exit_status_2(tmp_path, rendered_mp4, capsys):
    (tmp_path / "empty.mp4").write_bytes(b"")
    (tmp_path / "notes.mp4").write_text("these are my notes, not a video\n")
    (tmp_path / "cut.mp4").write_bytes(rendered_mp4.read_bytes()[:4000])
    (tmp_path / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    (tmp_path / "empty-folder").mkdir()
    for name, words in (("empty.mp4", "empty"), ("notes.mp4", "can be read"), ("cut.mp4", "cut short"),
                        ("picture.png", "not a picture"), ("missing.mp4", "no such file"),
                        ("empty-folder", "no pictures")):
        capsys.readouterr()
        assert main(["verify", str(tmp_path / name)]) == 2, name
        err = capsys.readouterr().err
        assert words in err and "Traceback" not in err, (name, err)
        assert main(["verify", str(tmp_path / name), "--json"]) == 2
        assert json.loads(capsys.readouterr().out)["problem"]


@requires_gl
def test_a_manifest_from_another_tool_is_not_ours(tmp_path, capsys):
    import c2pa

    from aac.provenance.keys import signing_identity

    ffmpeg("-f", "lavfi", "-i", "testsrc=size=320x240:rate=10", "-t", "2", "-pix_fmt", "yuv420p",
           str(tmp_path / "other.mp4"))
    identity = signing_identity()
    created = {"label": "c2pa.actions.v2", "data": {"actions": [{
        "action": "c2pa.created", "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"}]}}
    builder = c2pa.Builder({"claim_generator_info": [{"name": "other-tool", "version": "1"}], "title": "other.mp4",
                            "assertions": [created]})
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(b"es256", identity.chain_pem, identity.key_pem, None))
    with open(tmp_path / "other.mp4", "rb") as source, open(tmp_path / "signed.mp4", "w+b") as dest:
        builder.sign(signer, "video/mp4", source, dest)
    assert main(["verify", str(tmp_path / "signed.mp4"), "--json"]) == 1
    found = json.loads(capsys.readouterr().out)
    assert found["manifest_state"] in ("valid", "trusted") and not found["manifest_by_aac_avatar"]
    assert found["manifest_generator"] == "other-tool"


def test_signing_keys_are_made_once_and_owner_only(tmp_path):
    from aac.provenance.keys import keys_dir, signing_identity

    first = signing_identity()
    assert signing_identity().key_pem == first.key_pem
    folder = keys_dir()
    assert (folder.stat().st_mode & 0o777) == 0o700
    for path in folder.iterdir():
        assert (path.stat().st_mode & 0o777) == 0o600, path
    image = np.zeros((64, 64, 3), np.uint8)
    cv2.imwrite(str(tmp_path / "a.png"), image)
    sign_file(tmp_path / "a.png")
    assert read_manifest(tmp_path / "a.png").state == "trusted"
