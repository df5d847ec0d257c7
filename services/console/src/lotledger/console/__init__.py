"""lotledger console: the screens QA, regulators and warehouse managers use."""

SERVICE = "console"
VERSION = "0.1.0"
DESCRIPTION = (
    "Server-rendered screens over the inventory, traceability and alerts APIs, "
    "called with the signed-in user's own token."
)
