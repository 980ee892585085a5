"""One module per stage; each exposes ``run(site, options) -> StageResult``."""
