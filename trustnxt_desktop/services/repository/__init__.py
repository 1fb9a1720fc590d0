"""The manifest repository (durable Content Credentials): the protocol, its sqlite and PostgreSQL stores, remote
repositories over the C2PA Soft Binding Resolution API, the server that speaks it, and recovery at inspect."""
