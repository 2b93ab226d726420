// Under construction: see the provenance and archive issues.
