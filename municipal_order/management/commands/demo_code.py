"""Print the current 6-digit code of the demo accounts' authenticator (README, Demo logins).

For trying the demo without an authenticator app. The key is the demo's public one
(`municipal_order.demo.data.DEMO_TOTP_SECRET`); real accounts have their own secrets.
"""

from __future__ import annotations

import base64
import time

from django.core.management.base import BaseCommand
from django_otp.oath import TOTP

from municipal_order.demo.data import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current two-step login code of the demo accounts."

    def handle(self, *args, **options) -> None:
        totp = TOTP(base64.b32decode(DEMO_TOTP_SECRET))
        left = 30 - int(time.time()) % 30
        self.stdout.write(f"{totp.token():06d}  (valid for about {left} s more, once per account)")
