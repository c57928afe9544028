"""Boards: the model of a page of symbols, the Open Board Format reader and writer, the shipped vocabulary."""
