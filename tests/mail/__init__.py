"""Tests of mail: templates, drafts, the similarity guard, the account, the keyring,
sending and reading replies."""
