"""Upstream matching logic the policy exports rely on: approver-policy, Vault, step-ca."""
