"""Package-data shim: the JSON Schemas of the article and prediction records."""
