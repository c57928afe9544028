"""Whether an OpenGL 3.3 context can be made through EGL here; tests that render skip otherwise."""

from __future__ import annotations

import pytest


def _gl_problem() -> str | None:
    from avatar.render import RendererUnavailable, create_context

    try:
        create_context().release()
    except RendererUnavailable as exc:
        return str(exc)
    return None


GL_PROBLEM = _gl_problem()
requires_gl = pytest.mark.skipif(GL_PROBLEM is not None, reason=f"no OpenGL 3.3 through EGL: {GL_PROBLEM}")
