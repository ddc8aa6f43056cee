"""Built-in instrument definitions (one JSON file per instrument); a package so they ship."""
