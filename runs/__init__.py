"""Running the model from the command line and in batches."""
