"""The person's account and machine: settings, credentials in the keyring, signing identity, connection checks."""
