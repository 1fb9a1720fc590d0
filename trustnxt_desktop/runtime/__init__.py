"""Generic process plumbing with no media knowledge: the isolated worker pool, atomic publishing of files,
private file permissions, OS job objects and thread helpers. Used by engine/ and services/."""
