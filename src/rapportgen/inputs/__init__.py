"""Input stage: read files into plain data with source locations."""
