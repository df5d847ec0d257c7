"""HTTP clients of the three APIs (the console touches no database) and the token reader."""
