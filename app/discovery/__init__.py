"""Discovery: read the certificates an organisation already has (files, inventories, crt.sh,
live endpoints) into `models.discovery` facts. No Qt; shared by the CLI and the app."""
