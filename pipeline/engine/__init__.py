"""The build engine: work units, fingerprints and caches, crash-safe publishing."""
