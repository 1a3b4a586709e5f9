"""Privacy across the services: retention registry and purges, data-subject rights (export, erasure, DPO queue),
notices and processing register generated from the registry, audit log, incident reports. See registry.py."""
