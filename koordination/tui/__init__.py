"""The full-screen terminal interface (Textual); the core never imports it."""
