"""PDF documents of organisations and bids."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from applications.models import BidSubmission
from applications.permissions import get_bid_for_user
from documents.registry import DocumentKind, register


def _receipt_context(submission: BidSubmission) -> dict[str, Any]:
    return {
        "submission": submission,
        "bid": submission.bid,
        "call": submission.bid.competition,
        "organization": submission.bid.organization,
        "content": submission.content,
    }


BID_RECEIPT = register(
    DocumentKind(
        key="bid-receipt",
        model=BidSubmission,
        template="pdf/bid_receipt.html",
        context=_receipt_context,
        title=lambda s: _("Receipt No. %(number)s") % {"number": s.receipt_number},
        issuer=lambda s: s.bid.competition.municipality.name,
        # The receipt is the organisation's, sealed like the bid itself.
        check_access=lambda request, s: get_bid_for_user(request, s.bid_id),
        # The "bid submitted" notice already links to the receipt.
    )
)
