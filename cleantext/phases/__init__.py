"""Cross-document stages as phases: pure evidence per document, merged, then applied.

`cleantext.phased.clean_corpus` runs a pipeline this way on any `engines.Engine`;
each cross-document stage has its job here (`corpus_dedup`, `repeated_lines`).
Nothing here imports dask: `engines.DaskEngine` does, when it is built.
"""
