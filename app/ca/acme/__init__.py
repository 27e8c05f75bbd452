"""The ACME front door (RFC 8555) of the local CA: orders routed by the project's design."""
