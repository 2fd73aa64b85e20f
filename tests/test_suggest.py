"""Did-you-mean: the closest id, with look-alike letters folded and named."""

from __future__ import annotations

from cxsite.errors import did_you_mean, fold

IDS = ["customer-service", "billing", "support-chat"]


def test_a_typo_gets_the_closest_id() -> None:
    assert did_you_mean("custmer-service", IDS) == "did you mean `customer-service`?"
    assert did_you_mean("Billing", IDS) == "did you mean `billing`?"
    assert did_you_mean("warehouse", IDS) == ""
    assert did_you_mean("chat", IDS) == "did you mean `support-chat`?"  # a part of one id
    assert did_you_mean("call", ["support-call", "sales-call"]) == ""  # a part of two: no guess


def test_a_look_alike_letter_is_folded_and_named() -> None:
    cyrillic_i = "\u0456"
    hint = did_you_mean(f"customer-serv{cyrillic_i}ce", IDS)
    assert hint == (
        "did you mean `customer-service`? "
        f"`{cyrillic_i}` (cyrillic small letter byelorussian-ukrainian i) only looks like `i`"
    )
    assert fold("\uff42illing") == "billing"  # a full-width b, folded by NFKC
    assert fold("supp\u043ert-chat") == "support-chat"  # a Cyrillic o
