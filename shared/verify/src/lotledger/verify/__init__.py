"""What a regulator needs to check lotledger's records with nothing but the public key:
the per-batch hash chain, RFC 6962 Merkle trees and proofs, and signed checkpoints.

The writer (inventory) and every reader use these same functions, so there is one
definition of each byte that is hashed or signed."""
