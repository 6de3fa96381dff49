"""The app's logic and its API. Nothing here imports a Qt widget."""
