"""Areas of the main window, modal forms and dialogs."""
