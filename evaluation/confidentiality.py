"""The confidentiality declaration a commission member signs for a call.

The text is versioned: a change of wording gets a new `VERSION`, and each signature
records the version, the language it was read in and the SHA-256 of exactly the
paragraphs shown (`text_sha256`), so what was agreed to can be proven later.
"""

from __future__ import annotations

import hashlib

from django.utils.translation import get_language
from django.utils.translation import gettext as _

VERSION = "2026-1"


def paragraphs() -> list[str]:
    """The declaration in the active language, paragraph by paragraph."""
    return [
        _(
            "I will use the bids of this call, their documents, the clarifications and "
            "the commission's deliberations only for the work of the commission."
        ),
        _(
            "I will not copy, pass on or publish them, nor tell anyone outside the "
            "commission what a bid contains or how it is being assessed, before or after "
            "the results are published."
        ),
        _(
            "Before reading each bid I will declare whether I have a conflict of "
            "interest with the applicant: a family, work, financial or membership tie to "
            "the organisation or its people, or any other reason my judgement could be "
            "doubted. If I find such a reason later, I will declare it at once and take "
            "no further part in assessing that bid."
        ),
        _(
            "I understand that my declarations are recorded with the time and kept in "
            "the call's records, and that the commission's protocol lists recusals."
        ),
    ]


def text_sha256(texts: list[str] | None = None) -> str:
    """The fingerprint of the text as shown (in the active language)."""
    joined = "\n\n".join(paragraphs() if texts is None else texts)
    return hashlib.sha256(joined.encode()).hexdigest()


def language() -> str:
    return (get_language() or "ru")[:8]
