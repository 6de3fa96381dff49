"""Mail: drafts, sending, the mailbox watcher and what replies mean."""
