"""The project's shared vocabulary: text normalization and folding that the page objects, the pipelines
and the Datasette plugins all speak. It depends on nothing else of ours (an import-linter contract)."""
