"""Local Content Credentials: signing identity, protect, inspect, trust, media handling. No Qt."""
