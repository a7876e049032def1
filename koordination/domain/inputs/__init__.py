"""What a form, a command or an import row hands to the services, with its validation."""
