"""What a failed analysis may say to anyone who reads its job or region page."""
from __future__ import annotations

from app.remote import RemoteError, redact

#: Failures whose message is written for people (remote services, bad input, empty areas, files).
EXPLAINED_FAILURES = (RemoteError, ValueError, LookupError, RuntimeError, OSError)


def public_reason(exc: Exception) -> str:
    """The reason shown on the job (anyone may read it): ours in full, internal errors only by kind."""
    if isinstance(exc, EXPLAINED_FAILURES):
        return redact(str(exc)) or exc.__class__.__name__
    return f"internal error ({exc.__class__.__name__}); the details are in the service's log"
