"""Small fictional example data sets bundled with Kith (no real people)."""
