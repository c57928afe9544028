"""The default faces aac-avatar ships: different ages, skin tones and genders, all painted, none a real person."""

from __future__ import annotations

from avatar.default_faces.painter import FaceSpec

FACES: tuple[FaceSpec, ...] = (
    FaceSpec("ash", "woman, 30s, dark skin, curly black hair", feminine=True, age_years=34,
             skin=(0.42, 0.27, 0.19), hair=(0.09, 0.07, 0.06), hair_style="curly", eyes=(0.25, 0.15, 0.08),
             shirt=(0.78, 0.55, 0.2), background=(0.52, 0.6, 0.66), seed=11),
    FaceSpec("birch", "man, 40s, light skin, short brown hair", feminine=False, age_years=45,
             skin=(0.86, 0.67, 0.57), hair=(0.3, 0.2, 0.13), hair_style="short", eyes=(0.3, 0.42, 0.55),
             shirt=(0.2, 0.3, 0.45), background=(0.62, 0.62, 0.6), seed=12),
    FaceSpec("cedar", "woman, 70s, light skin, grey hair", feminine=True, age_years=72,
             skin=(0.88, 0.7, 0.62), hair=(0.66, 0.65, 0.64), hair_style="bob", eyes=(0.35, 0.4, 0.35),
             shirt=(0.55, 0.25, 0.35), background=(0.55, 0.6, 0.55), seed=13),
    FaceSpec("elm", "man, 20s, brown skin, short black hair", feminine=False, age_years=24,
             skin=(0.64, 0.44, 0.31), hair=(0.08, 0.065, 0.06), hair_style="short", eyes=(0.22, 0.13, 0.07),
             shirt=(0.25, 0.45, 0.35), background=(0.66, 0.62, 0.56), seed=14),
    FaceSpec("hazel", "woman, 20s, light-medium skin, long black hair", feminine=True, age_years=26,
             skin=(0.84, 0.65, 0.5), hair=(0.07, 0.06, 0.06), hair_style="long", eyes=(0.2, 0.12, 0.07),
             shirt=(0.85, 0.85, 0.82), background=(0.5, 0.55, 0.62), seed=15, monolid=True),
)


def face_spec(face_id: str) -> FaceSpec:
    """The spec of one shipped face; KeyError naming the valid ids otherwise."""
    for spec in FACES:
        if spec.face_id == face_id:
            return spec
    raise KeyError(f"no default face {face_id!r}; the faces are {', '.join(f.face_id for f in FACES)}")
