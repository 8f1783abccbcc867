"""The workflow engine: loads workflows/*.yaml and is the only code that changes item state."""
