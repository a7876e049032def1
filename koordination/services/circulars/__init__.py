"""Circular e-mails (Rundmail): who receives one, its words, sending it without ever sending a
message twice, and "abmelden" replies that withdraw the consent."""
