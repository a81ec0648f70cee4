"""The features of the code location, one package each, each exposing build_definitions(location)."""
