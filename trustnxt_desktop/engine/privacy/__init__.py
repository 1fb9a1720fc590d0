"""The privacy check before protecting: what a file would reveal (inventory), the person's choices applied to a
private copy (rewrite, with per-container code where ExifTool cannot write), and the city a position is coarsened
to (geocode, offline)."""
