// BookStitcher module.
