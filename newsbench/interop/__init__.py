"""Formats in and out: brat standoff and Label Studio JSON in; brat, CoNLL BIO, HF token classification and spaCy out."""

class InteropError(ValueError):
    """An input file cannot be converted; the message names the file and the annotation."""
