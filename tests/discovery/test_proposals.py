"""Proposals an architect recognises, accepted into a project that routes and costs."""

from __future__ import annotations

from models.discovery import (
    into_project,
    merge,
    propose,
    san_patterns,
    split_by_domain,
    validity_class,
)
from models.enums import CaKind, Purpose, Validity, Workflow
from models.evaluation import evaluate
from models.project_file import load_example
from tests.discovery.estate import TODAY, Estate


def _by_purpose(proposals):
    return {(p.key.purpose, p.key.ca): p for p in proposals}


def test_the_estate_proposes_the_types_it_holds(estate: Estate, scanned):
    proposals = propose(scanned.certificates, today=TODAY)
    found = _by_purpose(proposals)
    assert set(found) == {
        (Purpose.TLS_EXTERNAL, CaKind.PUBLIC), (Purpose.EV_TLS, CaKind.PUBLIC),
        (Purpose.CODE_SIGNING, CaKind.PUBLIC), (Purpose.TLS_INTERNAL, CaKind.PRIVATE),
        (Purpose.MTLS, CaKind.PRIVATE), (Purpose.SMIME, CaKind.PRIVATE),
        (Purpose.CA_SIGNING, CaKind.PUBLIC), (Purpose.CA_SIGNING, CaKind.PRIVATE)}
    public = found[Purpose.TLS_EXTERNAL, CaKind.PUBLIC]
    # The certificates that expired in 2023 are not part of any proposal.
    assert len(public.members) == estate.counts["public_tls"]
    assert public.key.level == "DV"
    assert public.lifetime_days == 90
    assert public.wildcards == 12
    assert dict(public.keys_seen) == {"EC-256": 612, "RSA-1024": 25}
    assert public.san_patterns == ("*.shop.example.com",)
    assert public.explanation == (
        "637 certificates, serverAuth, issued by 1 public CA, 90-day lifetimes, "
        "*.shop.example.com, 12 wildcards among them")
    # Renewed every 60 days: five renewals a host in the last year; the wildcard was
    # re-issued eleven times under the same name.
    assert public.renewals == 100 * 5 + 11
    assert public.annual_volume == 637
    # 90-day certificates renewed at 60 days overlap: two live a host, and the rest.
    assert public.population == 2 * 100 + 12 + 25


def test_the_mesh_and_the_internal_tls_are_told_apart(scanned):
    found = _by_purpose(propose(scanned.certificates, today=TODAY))
    mesh = found[Purpose.MTLS, CaKind.PRIVATE]
    assert (len(mesh.members), mesh.lifetime_days) == (500, 1)
    assert mesh.key.validity is Validity.SHORT
    assert mesh.san_patterns == ("**.cluster.local",)
    internal = found[Purpose.TLS_INTERNAL, CaKind.PRIVATE]
    assert internal.san_patterns == ("*.corp.example.net",)
    assert internal.key.validity is Validity.MEDIUM
    smime = found[Purpose.SMIME, CaKind.PRIVATE]
    assert smime.email_patterns == ("*@example.com",)


def test_accepted_proposals_route_and_cost(scanned):
    proposals = [p for p in propose(scanned.certificates, today=TODAY)
                 if p.key.purpose is not Purpose.CA_SIGNING]
    project, ids = into_project(load_example(), proposals)
    assert len(project.types) == 6 + len(proposals)
    evaluation = evaluate(project)
    routed = {t.id: d for t, d in zip(project.types, evaluation.decisions, strict=True)}
    workflows = {project.types[[t.id for t in project.types].index(i)].purpose: routed[i]
                 for i in ids}
    assert workflows[Purpose.EV_TLS].workflow is Workflow.ADMIN_MEDIATED
    assert workflows[Purpose.EV_TLS].reason == "high-assurance-purpose"
    assert workflows[Purpose.CODE_SIGNING].workflow is Workflow.ADMIN_MEDIATED
    assert workflows[Purpose.MTLS].workflow is Workflow.COMBINED
    assert workflows[Purpose.TLS_EXTERNAL].workflow is Workflow.COMBINED
    assert evaluation.migration.design_value is not None
    assert evaluation.costs.total_cost > 0


def test_merge_and_split(scanned):
    proposals = propose(scanned.certificates, today=TODAY)
    found = _by_purpose(proposals)
    internal = found[Purpose.TLS_INTERNAL, CaKind.PRIVATE]
    mesh = found[Purpose.MTLS, CaKind.PRIVATE]
    merged = merge([internal, mesh], scanned.certificates, today=TODAY)
    assert len(merged.members) == 800
    assert merged.key == mesh.key  # the larger group's classification
    public = found[Purpose.TLS_EXTERNAL, CaKind.PUBLIC]
    assert split_by_domain(public, scanned.certificates, today=TODAY) == (public,)
    ev = found[Purpose.EV_TLS, CaKind.PUBLIC]
    both = merge([ev, internal], scanned.certificates, today=TODAY)
    parts = split_by_domain(both, scanned.certificates, today=TODAY)
    assert [p.name.rpartition(" · ")[2] for p in parts] == ["example.com", "example.net"]
    assert sum(len(p.members) for p in parts) == len(both.members)


def test_san_patterns_follow_the_public_suffix_list():
    assert san_patterns(["a.shop.example.co.uk", "b.shop.example.co.uk",
                         "c.shop.example.co.uk", "www.example.co.uk"]) == (
        "*.shop.example.co.uk", "www.example.co.uk")
    assert san_patterns(["x.github.io", "y.github.io"]) == ("x.github.io", "y.github.io")


def test_validity_classes_from_lifetimes():
    assert validity_class(1) is Validity.SHORT
    assert validity_class(365) is Validity.MEDIUM
    assert validity_class(1095) is Validity.LONG


def test_a_proposal_added_to_an_existing_type_adds_volume_and_names(scanned):
    from models.discovery import Choice, accept

    proposals = propose(scanned.certificates, today=TODAY)
    internal = _by_purpose(proposals)[Purpose.TLS_INTERNAL, CaKind.PRIVATE]
    example = load_example()
    target = next(t for t in example.types if t.name == "Internal services TLS")
    project, mapping = accept(example, [Choice(internal, "ignored", into=target.id)])
    assert len(project.types) == len(example.types)
    updated = next(t for t in project.types if t.id == target.id)
    assert updated.annual_volume == (target.annual_volume or 0) + internal.annual_volume
    assert updated.profile is not None
    assert "*.corp.example.net" in (updated.profile.san_patterns or ())
    assert set(mapping) == set(internal.members)
    assert set(mapping.values()) == {target.id}
