"""TTV ownership tooling."""
