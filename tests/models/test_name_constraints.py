"""Name constraints of a subordinate CA: subtrees that hold every name the patterns allow."""

from __future__ import annotations

import ipaddress

import pytest
from cryptography import x509

from models.dns_names import normalise_pattern, pattern_matches
from models.email_names import email_pattern_matches, normalise_email_pattern
from models.name_constraints import (
    NOWHERE,
    NameConstraints,
    dns_subtree,
    mailbox_subtree,
    name_constraints,
)


@pytest.mark.parametrize(("pattern", "subtree"), [
    ("api.example.com", "api.example.com"),
    ("*.example.com", "example.com"),
    ("**.team.example.com", "team.example.com"),
    ("api.*.example.com", "example.com"),
    ("www.*", None),  # no subtree but "any name" holds it
])
def test_dns_subtree_is_the_fixed_labels_right_of_the_last_wildcard(pattern, subtree):
    assert dns_subtree(pattern) == subtree


@pytest.mark.parametrize(("pattern", "subtree"), [
    ("*@example.com", "example.com"),  # RFC 5280: every mailbox at that host
    ("ops@example.com", "ops@example.com"),  # that mailbox
    ("*@**.example.com", ".example.com"),  # every mailbox under the domain
    ("ops@*.example.com", ".example.com"),
    ("*@mail.*", None),
])
def test_mailbox_subtree(pattern, subtree):
    assert mailbox_subtree(pattern) == subtree


@pytest.mark.parametrize(("pattern", "name"), [
    ("*.example.com", "www.example.com"),
    ("**.example.com", "a.b.example.com"),
    ("api.*.example.com", "api.eu.example.com"),
])
def test_every_name_a_pattern_allows_lies_in_its_subtree(pattern, name):
    canonical = normalise_pattern(pattern)
    assert pattern_matches(canonical, name)
    subtree = dns_subtree(canonical)
    assert name == subtree or name.endswith(f".{subtree}")  # RFC 5280 dNSName rule


def test_every_address_a_pattern_allows_lies_in_its_subtree():
    for pattern, address in (("*@example.com", "a@example.com"),
                             ("*@**.example.com", "a@mail.example.com")):
        canonical = normalise_email_pattern(pattern)
        assert email_pattern_matches(canonical, address)
        subtree = mailbox_subtree(canonical)
        host = address.rpartition("@")[2]
        assert host == subtree or host.endswith(subtree)


def test_name_constraints_of_a_profile():
    constraints = name_constraints(("**.team.example", "*.team.example", "x.other.example"),
                                   ("*@team.example",))
    assert constraints == NameConstraints(dns=("team.example", "x.other.example"),
                                          email=("team.example",))
    assert constraints.complete
    assert not name_constraints((), ())


def test_no_patterns_give_no_constraints_and_say_to_add_patterns():
    constraints = name_constraints((), ())
    assert not constraints.complete
    [(subject, message)] = constraints.problems()
    assert subject == "profile"
    assert "add SAN or email patterns to this type's profile" in message


@pytest.mark.parametrize(("sans", "emails"), [
    (("**.team.example", "www.*"), ("*@team.example",)),
    (("**.team.example",), ("*@mail.*",)),
    (("example.*",), ()),
])
def test_a_pattern_no_subtree_holds_makes_the_constraints_incomplete(sans, emails):
    constraints = name_constraints(sans, emails)
    assert not constraints.complete  # never silently dropped: that would allow any name
    [unexpressible] = [p for p in (*sans, *emails) if p.endswith("*")]
    assert constraints.unexpressible == (unexpressible,)
    assert [s for s, _ in constraints.problems()] == [unexpressible]
    with pytest.raises(ValueError, match="cannot be a name constraint"):
        constraints.extension()


def test_the_extension_permits_only_the_subtrees_and_excludes_every_ip_address():
    ext = name_constraints(("**.team.example",), ()).extension()
    assert ext.permitted_subtrees == [x509.DNSName("team.example"),
                                      x509.RFC822Name(NOWHERE),
                                      x509.UniformResourceIdentifier(NOWHERE)]
    assert ext.excluded_subtrees == [x509.IPAddress(ipaddress.ip_network("0.0.0.0/0")),
                                     x509.IPAddress(ipaddress.ip_network("::/0"))]
    email_only = name_constraints((), ("*@team.example",)).extension()
    assert email_only.permitted_subtrees[0] == x509.DNSName(NOWHERE)
