"""Each screen's data, composed from the APIs' answers with the user's token."""
