"""The areas of the main window, one module per tab."""
