"""What later apps (evaluation, projects) hook into on a bid's pages.

applications comes before them in the dependency chain and never imports them;
they register here from their `AppConfig.ready()`, as on competitions' pages
(`competitions.extensions`).
"""

from __future__ import annotations

from municipal_order.lib.panels import Slot

# The bid's own page (`applications:bid_detail`), above the frozen content: for the
# organisation (admission, clarifications to answer, results) and for the officers
# who read the bid after the deadline. The panel's object is the bid, read through
# `get_bid_for_user` (its `member_role` says who reads it).
BID_PAGE = Slot("applications.bid_page")
