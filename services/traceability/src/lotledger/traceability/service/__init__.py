"""Application services: the projection that writes the read models, and the reads that
compose them with the domain."""
