"""What the app keeps and hands over: usage ledger, verification log, exports, text reports, logs, diagnostics."""
