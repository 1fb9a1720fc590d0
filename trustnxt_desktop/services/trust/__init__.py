"""Trust material: downloaded trust lists, the user's own anchors, and how they become a TrustConfig."""
