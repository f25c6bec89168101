"""What later apps show on the signed-in home (`accounts:dashboard`).

accounts comes first in the dependency chain and knows no roles: competitions
puts an officer's tasks there, applications the "register your organisation"
call to action for someone with none, each from its `AppConfig.ready()`. The
panel's context gets the signed-in user as its object.
"""

from __future__ import annotations

from municipal_order.lib.panels import Slot

# The signed-in home, above the roles: what needs doing first, then next steps.
DASHBOARD = Slot("accounts.dashboard")
