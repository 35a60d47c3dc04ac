"""Real-browser tests of the built site (headless Chromium) and the helpers they share."""
