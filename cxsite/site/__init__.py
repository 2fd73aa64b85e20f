"""The site: view data built from the model and the scores, ready for templates to display."""
