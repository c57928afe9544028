"""The shipped default faces: painted portraits of nobody, one for a profile without a photo.

`catalogue.FACES` says what each looks like; `painter` paints it; `python -m avatar.default_faces.build`
paints them all and builds their rigs into the bundled profile data. Listing the shipped faces
(for the caregiver screen) is `profiles.bundled_faces.list_default_faces`: plain data, no painting.
"""
