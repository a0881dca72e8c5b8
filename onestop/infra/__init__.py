"""Infrastructure: database types, queue, storage, mail, signing backends."""
