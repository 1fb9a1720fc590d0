"""Every Qt widget and dialog, and the qasync glue. Talks to services only."""
