// ChapterKit module.
