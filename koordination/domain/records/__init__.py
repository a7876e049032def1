"""Plain frozen views handed from the services to the faces and the outputs."""
