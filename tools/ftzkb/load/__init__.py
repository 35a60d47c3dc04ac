"""The load stage: strict YAML (`yamlload`), the schema check (`schema`), the parse cache
(`cache`), the one loader (`loader.load_corpus`), the model it builds (`model`), the canonical
file layout every writer follows (`layout`) and the public view of a corpus (`audience`).

Nothing here imports a stage above it (rules, replication, record, commands, site, search)."""
