"""Policy as code: each combined type's issuance profile for cert-manager, Vault and step-ca."""
