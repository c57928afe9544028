"""The board app: what it shows (model, layout), how it draws (pygame), and the loop that joins them."""
