"""Pure data and rules shared by every layer. No I/O, no third-party libraries."""
