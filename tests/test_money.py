from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from municipal_order.lib.money import format_som


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (Decimal("1234567"), 2, "1\u00a0234\u00a0567,00"),
        (Decimal("850000.5"), 2, "850\u00a0000,50"),
        (Decimal("999.995"), 2, "1\u00a0000,00"),
        (Decimal("1200000"), 0, "1\u00a0200\u00a0000"),
        (0, 2, "0,00"),
        (Decimal("-15.5"), 2, "-15,50"),
        (None, 2, ""),
        ("abc", 2, ""),
    ],
)
def test_format_som(value, decimals, expected):
    assert format_som(value, decimals) == expected


def test_the_som_filter_names_the_currency_in_the_active_language():
    template = Template("{% load portal %}{{ v|som }}|{{ v|som:0 }}")
    with translation.override("ky"):
        assert template.render(Context({"v": Decimal("850000")})) == (
            "850\u00a0000,00\u00a0сом|850\u00a0000\u00a0сом"
        )
    with translation.override("en"):
        assert template.render(Context({"v": 5})).endswith("som")


@pytest.mark.parametrize("language", ["ru", "ky", "en"])
def test_shares_read_the_same_in_every_language(language):
    """UX item 9: "12.0%" in Kyrgyz and in the PDF, "12,0%" on the Russian page."""
    from decimal import Decimal

    from django.template import Context, Template
    from django.utils import translation

    template = Template("{% load portal %}{{ a|percent }} {{ b|percent }}")
    with translation.override(language):
        text = template.render(Context({"a": Decimal("12.0"), "b": "7.25"}))
    assert text == "12,0% 7,3%"
