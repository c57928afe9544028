"""The live avatar: one loop that speaks, moves and renders, into a camera, a microphone, a window, a file."""
